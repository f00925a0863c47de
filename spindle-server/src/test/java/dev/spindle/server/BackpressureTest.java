package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.GroupCommitWriter;
import dev.spindle.storage.write.OverloadedException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When writing falls behind, requests get 503 with Retry-After instead of queueing without limit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackpressureTest {
  /** A storage whose writer waits for a gate to open. */
  static final class GatedStorage extends SlowWriterStorage {
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    void beforeWrite() throws InterruptedException {
      entered.countDown();
      gate.await();
    }

    @Override
    public void close() {
      gate.countDown();
      super.close();
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(5);
    }
  }

  private static WriteBatch rows(int n) {
    List<SpanRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(SpanRow.builder().traceId(TestServer.hex(32)).spanId(TestServer.hex(16)).startUs(1).endUs(2).build());
    }
    return WriteBatch.ofSpans(rows);
  }

  @Test
  void queueRefusesBeyondItsBound() throws Exception {
    GatedStorage storage = new GatedStorage();
    try (GroupCommitWriter q = GroupCommitWriter.builder(storage.writer()).maxPendingRows(10)
        .maxRowsPerCommit(100).committers(1).build()) {
      CompletableFuture<Void> a = CompletableFuture.runAsync(() -> q.write(rows(6)));
      waitFor(() -> q.pendingRows() == 6);
      CompletableFuture<Void> b = CompletableFuture.runAsync(() -> q.write(rows(4)));
      waitFor(() -> q.pendingRows() == 10);
      OverloadedException e = assertThrows(OverloadedException.class, () -> q.write(rows(1)));
      assertEquals(2, e.retryAfterSeconds());
      storage.gate.countDown();
      a.get(10, TimeUnit.SECONDS);
      b.get(10, TimeUnit.SECONDS);
      q.write(rows(5)); // room again once written
    } finally {
      storage.close();
    }
  }

  @Test
  void answers503WithRetryAfterOrUnavailableWithRetryInfoWhenTheWriterIsBehind() throws Exception {
    GatedStorage storage = new GatedStorage();
    try (TestServer s = new TestServer(SpindleServer.builder().port(0).otlpGrpcPort(0).storage(storage).maxPendingRows(5))) {
      double now = TestServer.nowSec();
      // The first request occupies the writer (6 rows > bound, admitted alone) and waits.
      CompletableFuture<HttpResponse<String>> first = TestServer.HTTP.sendAsync(
          HttpRequest.newBuilder(URI.create(s.base + "/api/1/envelope/?sentry_key=" + s.key))
              .POST(HttpRequest.BodyPublishers.ofString(TestServer.transaction(TestServer.hex(32), TestServer.hex(32),
                  TestServer.hex(16), null, "t", now - 1, now, 5))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(storage.entered.await(20, TimeUnit.SECONDS), "the writer holds the first batch");
      HttpResponse<String> second = s.postEnvelope(TestServer.transaction(TestServer.hex(32), TestServer.hex(32),
          TestServer.hex(16), null, "t", now - 1, now, 0));
      assertEquals(503, second.statusCode(), second.body());
      assertTrue(second.headers().firstValue("Retry-After").isPresent());
      assertTrue(second.body().contains("retry later"), second.body());
      io.grpc.StatusRuntimeException grpc = grpcRefusal(s, 1);
      assertEquals(io.grpc.Status.Code.UNAVAILABLE, grpc.getStatus().getCode(), grpc.getStatus().toString());
      assertTrue(retryDelaySeconds(grpc) > 0);
      storage.gate.countDown();
      assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
    }
  }

  @Test
  void requestsBeyondTheInFlightMemoryBudgetGet503OrResourceExhaustedWithRetryInfo() throws Exception {
    GatedStorage storage = new GatedStorage();
    try (TestServer s = new TestServer(SpindleServer.builder().port(0).otlpGrpcPort(0).storage(storage).maxInFlightBytes(64 * 1024))) {
      double now = TestServer.nowSec();
      String big = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null, "big",
          now - 1, now, 200);
      assertTrue(big.length() > 40_000 && big.length() < 64 * 1024, String.valueOf(big.length()));
      CompletableFuture<HttpResponse<String>> first = TestServer.HTTP.sendAsync(
          HttpRequest.newBuilder(URI.create(s.base + "/api/1/envelope/?sentry_key=" + s.key))
              .POST(HttpRequest.BodyPublishers.ofString(big)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(storage.entered.await(20, TimeUnit.SECONDS), "the first request holds its budget while waiting");
      HttpResponse<String> second = s.postEnvelope(big);
      assertEquals(503, second.statusCode(), second.body());
      assertTrue(second.body().contains("in flight"), second.body());
      assertTrue(second.headers().firstValue("Retry-After").isPresent());
      io.grpc.StatusRuntimeException grpc = grpcRefusal(s, 600); // ~40 KiB, more than the budget has left
      assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, grpc.getStatus().getCode(), grpc.getStatus().toString());
      assertTrue(grpc.getStatus().getDescription().contains("in flight"), grpc.getStatus().toString());
      assertEquals(2, retryDelaySeconds(grpc));
      storage.gate.countDown();
      assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
      assertEquals(200, s.postEnvelope(big).statusCode(), "budget returned after the answer");
    }
  }

  /** Exports {@code spans} root spans (one per trace) over OTLP/gRPC; returns the refusal. */
  private static io.grpc.StatusRuntimeException grpcRefusal(TestServer s, int spans) throws Exception {
    List<io.opentelemetry.proto.trace.v1.Span> list = new ArrayList<>();
    for (int i = 0; i < spans; i++) {
      list.add(OtlpGrpcClient.span(TestServer.hex(32), TestServer.hex(16), "GET", System.currentTimeMillis()));
    }
    try (OtlpGrpcClient client = new OtlpGrpcClient(s.server.otlpGrpcPort())) {
      return assertThrows(io.grpc.StatusRuntimeException.class, () -> client.export(
          OtlpGrpcClient.request(list).toByteArray(), java.util.Map.of("sentry_key", s.key), false));
    }
  }

  private static long retryDelaySeconds(io.grpc.StatusRuntimeException e) throws Exception {
    com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
    assertEquals(1, status.getDetailsCount(), status.toString());
    return status.getDetails(0).unpack(com.google.rpc.RetryInfo.class).getRetryDelay().getSeconds();
  }
}
