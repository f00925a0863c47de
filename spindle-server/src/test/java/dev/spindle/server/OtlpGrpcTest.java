package dev.spindle.server;

import static dev.spindle.server.OtlpGrpcClient.request;
import static dev.spindle.server.OtlpGrpcClient.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.cli.Main;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** OTLP/gRPC ingestion: the OpenTelemetry SDK's gRPC exporter, keys, statuses and bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OtlpGrpcTest {
  static final int MAX_BODY = 1 << 20;
  static final long DAY_MS = 86_400_000L;

  @TempDir static Path dir;
  TestServer s;
  OtlpGrpcClient client;

  @BeforeAll
  void start() {
    s = new TestServer(SpindleServer.builder().port(0).otlpGrpcPort(0).dataDir(dir).maxEnvelopeBytes(MAX_BODY));
    client = new OtlpGrpcClient(s.server.otlpGrpcPort());
  }

  @AfterAll
  void stop() throws InterruptedException {
    client.close();
    s.close();
  }

  private Map<String, String> auth() {
    return Map.of("x-sentry-auth", "Sentry sentry_version=7, sentry_key=" + s.key);
  }

  private OtlpGrpcSpanExporter exporter(String key) {
    return OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + s.server.otlpGrpcPort())
        .addHeader("x-sentry-auth", "Sentry sentry_version=7, sentry_key=" + key).setCompression("gzip")
        .setTimeout(20, TimeUnit.SECONDS).build();
  }

  private static Status.Code refusal(Runnable export) {
    return assertThrows(StatusRuntimeException.class, export::run).getStatus().getCode();
  }

  private void assertNotStored(String traceId) {
    assertEquals(404, s.get("/api/v1/traces/" + traceId).statusCode(), "nothing of trace " + traceId + " stored");
  }

  @Test
  @SuppressWarnings("try") // the scope is opened for its side effect: making the span current
  void openTelemetrySdkExportsOverGrpcWithGzip() throws Exception {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "orders"))))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter(s.key)).build())
        .build();
    String traceId;
    try {
      Tracer tracer = provider.get("spindle-test");
      Span root = tracer.spanBuilder("GET").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.request.method", "GET").setAttribute("http.route", "/orders/{id}").startSpan();
      traceId = root.getSpanContext().getTraceId();
      try (Scope ignored = root.makeCurrent()) {
        tracer.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT).setAttribute("db.system", "postgresql")
            .startSpan().end();
      }
      root.end();
      assertTrue(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess(), "export succeeded");
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    JsonNode t = s.awaitTrace(traceId, 1);
    JsonNode tx = t.get("transactions").get(0);
    assertEquals("GET /orders/{id}", tx.get("name").asText());
    assertEquals("orders", tx.get("service").asText());
    assertEquals(1, tx.get("spans").size(), t.toString());
    assertEquals("db", tx.get("spans").get(0).get("op").asText());
  }

  @Test
  void openTelemetrySdkWithAnUnknownKeyIsUnauthenticated() {
    List<CompletableResultCode> results = new CopyOnWriteArrayList<>();
    OtlpGrpcSpanExporter real = exporter(TestServer.hex(32));
    SpanExporter recording = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode r = real.export(spans);
        results.add(r);
        return r;
      }

      @Override
      public CompletableResultCode flush() {
        return real.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return real.shutdown();
      }
    };
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(recording)).build();
    String traceId;
    try {
      Span root = provider.get("spindle-test").spanBuilder("refused").setSpanKind(SpanKind.SERVER).startSpan();
      traceId = root.getSpanContext().getTraceId();
      root.end();
      provider.forceFlush().join(20, TimeUnit.SECONDS);
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    assertEquals(1, results.size());
    CompletableResultCode r = results.get(0).join(20, TimeUnit.SECONDS);
    assertFalse(r.isSuccess());
    FailedExportException.GrpcExportException e =
        assertInstanceOf(FailedExportException.GrpcExportException.class, r.getFailureThrowable());
    assertEquals(GrpcStatusCode.UNAUTHENTICATED, e.getResponse().getStatusCode());
    assertTrue(e.getResponse().getStatusDescription().contains("unknown or revoked public key"),
        e.getResponse().getStatusDescription());
    assertNotStored(traceId);
  }

  @Test
  void theSentryKeyEntryAndAPartialSuccess() throws Exception {
    String traceId = TestServer.hex(32);
    long now = System.currentTimeMillis();
    byte[] body = request(List.of(span(traceId, TestServer.hex(16), "kept", now - 10),
        span(traceId, "0000000000000000", "all-zero id", now - 10),
        span(traceId, TestServer.hex(16), "next year", now + 365 * DAY_MS))).toByteArray();
    ExportTraceServiceResponse res = client.export(body, Map.of("sentry_key", s.key), false);
    assertEquals(2, res.getPartialSuccess().getRejectedSpans());
    String message = res.getPartialSuccess().getErrorMessage();
    assertTrue(message.contains("1 invalid_span") && message.contains("1 timestamp"), message);
    JsonNode t = s.awaitTrace(traceId, 1);
    assertEquals("kept", t.get("transactions").get(0).get("name").asText());
  }

  @Test
  void serveRefusesAnOtlpGrpcPortInUseOrOutOfRange(@TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(1, Main.run("serve", "--port", "0", "--data", data.toString(),
          "--otlp-grpc-port", String.valueOf(taken.getLocalPort())));
    }
    assertEquals(1, Main.run("serve", "--port", "0", "--data", data.toString(), "--otlp-grpc-port", "70000"));
  }

  @Test
  void rolesThatDoNotIngestHaveNoOtlpGrpcPort() {
    dev.spindle.storage.Storage storage = dev.spindle.storage.duckdb.DuckDbStorage.inMemory();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> SpindleServer.builder().role(Role.QUERY).otlpGrpcPort(0).storage(storage).start());
      assertTrue(e.getMessage().contains("does not ingest"), e.getMessage());
    } finally {
      storage.close();
    }
  }

  @Test
  void keys() {
    byte[] body = request(List.of(span(TestServer.hex(32), TestServer.hex(16), "k", System.currentTimeMillis()))).toByteArray();
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> client.export(body, Map.of(), false));
    assertEquals(Status.Code.UNAUTHENTICATED, missing.getStatus().getCode());
    assertTrue(missing.getStatus().getDescription().contains("send x-sentry-auth or sentry_key"), missing.getStatus().toString());
    assertEquals(Status.Code.UNAUTHENTICATED, refusal(() -> client.export(body, Map.of("sentry_key", TestServer.hex(32)), false)));
    assertEquals(Status.Code.UNAUTHENTICATED, refusal(() -> client.export(body,
        Map.of("sentry_key", TestServer.hex(32), "x-sentry-auth", "Sentry sentry_key=" + s.key), false)), "conflicting keys");
    assertEquals(Status.Code.PERMISSION_DENIED, refusal(() -> client.export(body,
        Map.of("sentry_key", s.key, "x-spindle-project", "2"), false)));
    assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> client.export(body,
        Map.of("sentry_key", s.key, "x-spindle-project", "two"), false)));
    client.export(body, Map.of("sentry_key", s.key, "x-spindle-project", "1"), false);
  }

  @Test
  void badDataIsInvalidArgumentAndNothingIsStored() {
    String traceId = TestServer.hex(32);
    long now = System.currentTimeMillis();
    byte[] good = request(List.of(span(traceId, TestServer.hex(16), "a", now), span(traceId, TestServer.hex(16), "b", now)))
        .toByteArray();
    StatusRuntimeException truncated = assertThrows(StatusRuntimeException.class,
        () -> client.export(Arrays.copyOf(good, good.length - 7), auth(), false));
    assertEquals(Status.Code.INVALID_ARGUMENT, truncated.getStatus().getCode());
    assertTrue(truncated.getStatus().getDescription().contains("invalid protobuf"), truncated.getStatus().toString());
    assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> client.export(new byte[] {(byte) 0xff, (byte) 0xff, 1}, auth(), true)));
    assertNotStored(traceId);

    for (String[] ids : new String[][] {{"00000000000000000000000000000000", TestServer.hex(16)},
        {traceId, "0000000000000000"}, {traceId.substring(0, 16), TestServer.hex(16)}, {traceId, TestServer.hex(8)}}) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> client.export(request(List.of(span(ids[0], ids[1], "bad id", now))).toByteArray(), auth(), false));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("all 1 spans refused: 1 invalid_span"), e.getStatus().toString());
    }
    for (long start : new long[] {now - 31 * DAY_MS, now + 2 * DAY_MS, 1}) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.export(
          request(List.of(span(traceId, TestServer.hex(16), "untimely", start))).toByteArray(), auth(), false));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("1 timestamp"), e.getStatus().toString());
    }
    assertNotStored(traceId);
  }

  @Test
  void oversizedMessagesAndGzipBombsAreResourceExhausted() throws Exception {
    byte[] big = new byte[MAX_BODY + 1];
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal(() -> client.export(big, auth(), false)));
    byte[] tenMb = new byte[10 * 1024 * 1024];
    Arrays.fill(tenMb, (byte) 0x0a);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal(() -> client.export(tenMb, auth(), false)), "10 MB");
    // A gzip bomb: the client compresses 50 MiB of zeros to ~50 KiB on the wire; the server stops
    // inflating at its limit.
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal(() -> client.export(new byte[50 << 20], auth(), true)));
    String traceId = TestServer.hex(32);
    client.export(request(List.of(span(traceId, TestServer.hex(16), "after", System.currentTimeMillis()))).toByteArray(),
        auth(), true);
    assertEquals(200, s.get("/api/v1/traces/" + traceId).statusCode(), "still healthy");
  }
}
