package dev.spindle.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.instrumentation.tests.CapturingTransport;
import dev.spindle.instrumentation.tests.StrictScopesExtension;
import dev.spindle.instrumentation.tests.Traces;
import dev.spindle.protocol.SpanStatus;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client in service A calls a server in service B over HTTP/2 on loopback, each with its own
 * tracer; the service is described by hand (string messages), no generated code.
 */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracingGrpcTest {
  private static final String SERVICE = "test.Greeter";
  private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  /** Answers {@code echo:<request>} after recording a {@code work} span. */
  private static final MethodDescriptor<String, String> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
  /** Answers {@code 1}, {@code 2}, ... up to the number requested. */
  private static final MethodDescriptor<String, String> COUNT =
      method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
  /** Answers each message with its upper case, recording a {@code message} span for each. */
  private static final MethodDescriptor<String, String> SHOUT =
      method("Shout", MethodDescriptor.MethodType.BIDI_STREAMING);
  /** Fails with the status code named by the request; {@code throw} throws; {@code slow} sleeps. */
  private static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);

  private final CapturingTransport sentByA = new CapturingTransport();
  private final CapturingTransport sentByB = new CapturingTransport();
  private Tracer serviceA;
  private Tracer serviceB;
  private Server server;
  private ManagedChannel channel;

  private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder().setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
  }

  @BeforeEach
  void start() throws IOException {
    serviceA = tracer(sentByA);
    serviceB = tracer(sentByB);
    ServerServiceDefinition greeter = ServerServiceDefinition.builder(SERVICE)
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
          serviceB.currentSpan().startChild("work", "echo").finish();
          response.onNext("echo:" + request);
          response.onCompleted();
        }))
        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, response) -> {
          for (int i = 1; i <= Integer.parseInt(request); i++) response.onNext(String.valueOf(i));
          response.onCompleted();
        }))
        .addMethod(SHOUT, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<String>() {
          @Override
          public void onNext(String message) {
            serviceB.currentSpan().startChild("message", message).finish();
            response.onNext(message.toUpperCase(Locale.ROOT));
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            response.onCompleted();
          }
        }))
        .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, response) -> {
          if (request.equals("throw")) throw new IllegalStateException("boom");
          if (request.equals("slow")) {
            sleep(1000);
            return; // never answers: the client's deadline passes
          }
          response.onError(Status.fromCode(Status.Code.valueOf(request)).asRuntimeException());
        }))
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(greeter, TracingServerInterceptor.create(serviceB)))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
        .intercept(TracingClientInterceptor.create(serviceA)).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    serviceA.close();
    serviceB.close();
  }

  private static Tracer tracer(CapturingTransport transport) {
    return Tracer.create(new SpindleOptions().setDsn("http://public@127.0.0.1:9/7")
        .setTracesSampleRate(1.0).setTransport(transport));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** The one rpc.grpc span of A's transaction. */
  private JsonNode clientSpan(Transaction tx) {
    List<JsonNode> spans = Traces.spans(sentByA.awaitTransactionOfSpan(tx.spanId()), "rpc.grpc");
    assertEquals(1, spans.size(), "one rpc.grpc span");
    return spans.get(0);
  }

  /** B's transaction for the call {@code clientSpan} made. */
  private JsonNode serverTransaction(JsonNode clientSpan) {
    String id = clientSpan.path("span_id").asText();
    return sentByB.awaitTransaction(t -> id.equals(Traces.parentSpanIdOf(t)));
  }

  @Test
  void unaryCallIsOneTrace() {
    Transaction checkout = serviceA.startTransaction("checkout", "task");
    String answer;
    try (Scope s = checkout.makeCurrent()) {
      answer = ClientCalls.blockingUnaryCall(channel, ECHO, deadline(), "hi");
    } finally {
      checkout.finish();
    }
    assertEquals("echo:hi", answer);

    JsonNode client = clientSpan(checkout);
    assertEquals(SERVICE + "/Echo", client.path("description").asText());
    assertEquals(checkout.spanId(), client.path("parent_span_id").asText());
    assertEquals("ok", client.path("status").asText());
    JsonNode data = client.path("data");
    assertEquals("grpc", data.path("rpc.system").asText());
    assertEquals(SERVICE, data.path("rpc.service").asText());
    assertEquals("Echo", data.path("rpc.method").asText());
    assertEquals(0, data.path("rpc.grpc.status_code").asInt(-1));

    JsonNode server = serverTransaction(client);
    assertEquals(checkout.traceId(), Traces.traceIdOf(server), "one trace");
    assertEquals(SERVICE + "/Echo", server.path("transaction").asText());
    assertEquals("route", Traces.sourceOf(server));
    assertEquals("rpc.grpc", Traces.operationOf(server));
    assertEquals("ok", Traces.statusOf(server));
    assertEquals(0, server.path("contexts").path("trace").path("data").path("rpc.grpc.status_code").asInt(-1));
    List<JsonNode> work = Traces.spans(server, "work");
    assertEquals(1, work.size(), "the handler's span is in the server transaction");
    assertEquals(Traces.spanIdOf(server), work.get(0).path("parent_span_id").asText(),
        "the transaction is current while the handler runs");
  }

  @Test
  void serverStreamingCallIsOneTrace() {
    Transaction checkout = serviceA.startTransaction("checkout", "task");
    List<String> answers = new ArrayList<>();
    try (Scope s = checkout.makeCurrent()) {
      ClientCalls.blockingServerStreamingCall(channel, COUNT, deadline(), "3").forEachRemaining(answers::add);
    } finally {
      checkout.finish();
    }
    assertEquals(List.of("1", "2", "3"), answers);

    JsonNode client = clientSpan(checkout);
    assertEquals(SERVICE + "/Count", client.path("description").asText());
    assertEquals("ok", client.path("status").asText());
    JsonNode server = serverTransaction(client);
    assertEquals(checkout.traceId(), Traces.traceIdOf(server));
    assertEquals(SERVICE + "/Count", server.path("transaction").asText());
    assertEquals("ok", Traces.statusOf(server));
  }

  @Test
  void bidiStreamingCallIsOneTraceWithTheTransactionCurrentForEachMessage() throws Exception {
    Transaction checkout = serviceA.startTransaction("checkout", "task");
    List<String> answers = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try (Scope s = checkout.makeCurrent()) {
      StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
          channel.newCall(SHOUT, deadline()), new StreamObserver<>() {
            @Override
            public void onNext(String answer) {
              answers.add(answer);
            }

            @Override
            public void onError(Throwable t) {
              done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
              done.complete(null);
            }
          });
      requests.onNext("a");
      requests.onNext("b");
      requests.onCompleted();
    } finally {
      checkout.finish();
    }
    done.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("A", "B"), answers);

    JsonNode client = clientSpan(checkout);
    assertEquals(SERVICE + "/Shout", client.path("description").asText());
    assertEquals("ok", client.path("status").asText());
    JsonNode server = serverTransaction(client);
    assertEquals(checkout.traceId(), Traces.traceIdOf(server));
    List<JsonNode> messages = Traces.spans(server, "message");
    assertEquals(2, messages.size(), "a span per message, in the server transaction");
    for (JsonNode m : messages) {
      assertEquals(Traces.spanIdOf(server), m.path("parent_span_id").asText());
    }
  }

  @Test
  void headersNameTheSpanCurrentWhenTheCallStarts() {
    // the channel was built with no span current; calls in two transactions, then in none
    Transaction first = serviceA.startTransaction("first", "task");
    try (Scope s = first.makeCurrent()) {
      ClientCalls.blockingUnaryCall(channel, ECHO, deadline(), "1");
    } finally {
      first.finish();
    }
    Transaction second = serviceA.startTransaction("second", "task");
    try (Scope s = second.makeCurrent()) {
      ClientCalls.blockingUnaryCall(channel, ECHO, deadline(), "2");
    } finally {
      second.finish();
    }
    assertEquals(first.traceId(), Traces.traceIdOf(serverTransaction(clientSpan(first))));
    assertEquals(second.traceId(), Traces.traceIdOf(serverTransaction(clientSpan(second))));

    ClientCalls.blockingUnaryCall(channel, ECHO, deadline(), "untraced");
    List<JsonNode> received = sentByB.awaitTransactions(3);
    JsonNode untraced = received.get(2);
    assertNull(Traces.parentSpanIdOf(untraced), "no current span: no headers, a new trace");
    assertNotEquals(first.traceId(), Traces.traceIdOf(untraced));
    assertNotEquals(second.traceId(), Traces.traceIdOf(untraced));
  }

  @Test
  void errorStatusesAreMapped() {
    for (Status.Code code : List.of(Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED,
        Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.INVALID_ARGUMENT)) {
      Transaction tx = serviceA.startTransaction("call " + code, "task");
      StatusRuntimeException e;
      try (Scope s = tx.makeCurrent()) {
        e = assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, FAIL, deadline(), code.name()));
      } finally {
        tx.finish();
      }
      assertEquals(code, e.getStatus().getCode());
      String expected = SpanStatus.fromGrpcCode(code.value()).protocolName();
      JsonNode client = clientSpan(tx);
      assertEquals(expected, client.path("status").asText(), code.name());
      assertEquals(code.value(), client.path("data").path("rpc.grpc.status_code").asInt(-1));
      JsonNode server = serverTransaction(client);
      assertEquals(expected, Traces.statusOf(server), code.name());
      assertEquals(tx.traceId(), Traces.traceIdOf(server));
    }
  }

  @Test
  void aThrowingHandlerFailsTheServerTransaction() {
    Transaction tx = serviceA.startTransaction("call", "task");
    StatusRuntimeException e;
    try (Scope s = tx.makeCurrent()) {
      e = assertThrows(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(channel, FAIL, deadline(), "throw"));
    } finally {
      tx.finish();
    }
    assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode(), "what gRPC answers for an exception");
    JsonNode client = clientSpan(tx);
    assertEquals("unknown", client.path("status").asText());
    JsonNode server = serverTransaction(client);
    assertEquals("internal_error", Traces.statusOf(server));
  }

  @Test
  void aPassedDeadlineIsDeadlineExceededForTheClientAndCancelledForTheServer() {
    Transaction tx = serviceA.startTransaction("call", "task");
    StatusRuntimeException e;
    try (Scope s = tx.makeCurrent()) {
      e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel, FAIL,
          CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS), "slow"));
    } finally {
      tx.finish();
    }
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    JsonNode client = clientSpan(tx);
    assertEquals("deadline_exceeded", client.path("status").asText());
    assertEquals("cancelled", Traces.statusOf(serverTransaction(client)));
  }
}
