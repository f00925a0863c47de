package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.ErrorEvent;
import dev.spindle.EventLevel;
import dev.spindle.Scope;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Spindle's own error events (a message event, a logged exception) stored and read back with their trace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // scopes are opened for their side effect: making spans current
class SdkErrorEventsTest {
  @TempDir Path dir;

  @Test
  void messageAndExceptionEventsKeepLevelMessageAndTypeInTheirTrace() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      String traceId;
      try (Tracer tracer = Tracer.create(new SpindleOptions().setDsn(s.server.bootstrap().dsn())
          .setTracesSampleRate(1.0))) {
        Transaction tx = tracer.startTransaction("POST /checkout", "http.server");
        traceId = tx.traceId();
        try (Scope scope = tx.makeCurrent()) {
          tracer.captureMessage("stock is low", EventLevel.WARNING);
          tracer.captureEvent(ErrorEvent.of(new IllegalStateException("card declined"))
              .setMessage("payment failed").setLogger("com.shop.Payments"));
        }
        tx.finish();
        assertTrue(tracer.flush(Duration.ofSeconds(10)));
      }
      JsonNode errors = s.awaitTrace(traceId, 1).get("errors");
      for (int i = 0; i < 50 && errors.size() < 2; i++) {
        Thread.sleep(100);
        errors = s.getJson("/api/v1/traces/" + traceId).get("errors");
      }
      assertEquals(2, errors.size(), errors::toString);
      Map<String, JsonNode> byLevel = new HashMap<>();
      for (JsonNode e : errors) byLevel.put(e.get("level").asText(), e);
      assertEquals("stock is low", byLevel.get("warning").get("message").asText());
      assertEquals("IllegalStateException", byLevel.get("error").get("exceptionType").asText());
      assertEquals("card declined", byLevel.get("error").get("message").asText());
    }
  }
}
