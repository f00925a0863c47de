package dev.spindle.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.spindle.Tracer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.TaskDecorator;

/** {@code spindle.enabled=false}: the applications work as without the starter and send nothing. */
@Timeout(120)
class SpindleDisabledTest {
  @Test
  void disabledAppsWorkAndSendNothing() throws Exception {
    AtomicInteger received = new AtomicInteger();
    HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext("/", exchange -> {
      received.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    sink.start();
    String dsn = "http://public@127.0.0.1:" + sink.getAddress().getPort() + "/1";
    try {
      try (ConfigurableApplicationContext users = TestApps.start(TestApps.Users.class,
              "spindle.enabled=false", "spindle.dsn=" + dsn, "spindle.traces-sample-rate=1.0");
          ConfigurableApplicationContext orders = TestApps.start(TestApps.Orders.class,
              "spindle.enabled=false", "spindle.dsn=" + dsn, "spindle.traces-sample-rate=1.0",
              "users.url=" + TestApps.url(users))) {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(TestApps.url(orders) + "/orders/3"))
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String[] lines = r.body().split("\n");
        assertEquals("user 3", lines[1]);
        assertTrue(lines[2].startsWith("user 3 on "), lines[2]);
        assertEquals("user 3", lines[3]);
        assertFalse(r.body().contains("0af7651916cd43dd8448eb211c80319c"), "the trace was continued: " + r.body());

        assertFalse(orders.containsBean("spindleTracingFilter"));
        assertTrue(orders.getBeansOfType(TaskDecorator.class).isEmpty());
        assertTrue(orders.getBeansOfType(TracingClientHttpRequestInterceptor.class).isEmpty());
        Tracer tracer = orders.getBean(Tracer.class); // still injectable, records nothing
        assertFalse(tracer.startTransaction("t", "test").isRecording());
      } // closing the contexts delivers whatever a tracer had queued
    } finally {
      sink.stop(0);
    }
    assertEquals(0, received.get(), "requests to the DSN");
  }
}
