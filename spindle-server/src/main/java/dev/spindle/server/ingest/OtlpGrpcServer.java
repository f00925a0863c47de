package dev.spindle.server.ingest;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.spindle.storage.Project;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OTLP/gRPC: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} on its own port,
 * with the limits, mapping and durability of OTLP/HTTP (it answers once the rows are durable).
 * The key comes in the {@code x-sentry-auth} metadata (Sentry's auth header format) or a
 * {@code sentry_key} entry and names the project; an optional {@code x-spindle-project} entry must
 * then name the same project. Refusals follow the OTLP spec: dropped spans as a partial success,
 * {@code UNAUTHENTICATED} / {@code PERMISSION_DENIED} for keys, {@code INVALID_ARGUMENT} for bad
 * data, {@code RESOURCE_EXHAUSTED} (too much in flight) and {@code UNAVAILABLE} (the writer is
 * behind) with {@code google.rpc.RetryInfo}. Messages are limited to the HTTP body limit, after
 * decompression; gzip is accepted.
 */
public final class OtlpGrpcServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OtlpGrpcServer.class.getName());
  static final Metadata.Key<String> SENTRY_AUTH = Metadata.Key.of("x-sentry-auth", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SENTRY_KEY = Metadata.Key.of("sentry_key", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PROJECT = Metadata.Key.of("x-spindle-project", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * Export with the request left as bytes: they are charged to the memory budget and parsed by
   * {@link OtlpMapper#parseProtobuf}, so a bad message is INVALID_ARGUMENT (a protobuf marshaller
   * would fail it as INTERNAL, and one that throws while reading makes it UNKNOWN).
   */
  private static final MethodDescriptor<Message, ExportTraceServiceResponse> EXPORT = TraceServiceGrpc.getExportMethod()
      .toBuilder(new MessageMarshaller(), ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
      .build();

  private final Ingestion ingestion;
  private final Server server;

  private OtlpGrpcServer(Ingestion ingestion, String bind, int port) {
    this.ingestion = ingestion;
    ServerCallHandler<Message, ExportTraceServiceResponse> handler = (call, headers) ->
        ServerCalls.<Message, ExportTraceServiceResponse>asyncUnaryCall((message, out) -> {
          if (message.refusal() != null) out.onError(message.refusal().asRuntimeException());
          else export(message.bytes(), headers, out);
        }).startCall(call, headers);
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(bind, port))
        .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, ingestion.settings.maxBodyBytes()))
        .addService(ServerServiceDefinition.builder(EXPORT.getServiceName()).addMethod(EXPORT, handler).build())
        .build();
  }

  static OtlpGrpcServer start(Ingestion ingestion, String bind, int port) {
    OtlpGrpcServer s = new OtlpGrpcServer(ingestion, bind, port);
    try {
      s.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for OTLP/gRPC on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    return s;
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  private void export(byte[] body, Metadata headers, StreamObserver<ExportTraceServiceResponse> out) {
    try (MemoryBudget.Lease lease = ingestion.budget.lease()) {
      Project project = authenticate(headers);
      lease.charge(body.length);
      out.onNext(OtlpHandler.export(ingestion, project, OtlpMapper.parseProtobuf(body)));
      out.onCompleted();
    } catch (IngestException e) {
      out.onError(status(e));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "OTLP/gRPC export failed", e);
      out.onError(Status.INTERNAL.withDescription("internal error").asRuntimeException());
    }
  }

  private Project authenticate(Metadata headers) {
    Set<String> keys = new LinkedHashSet<>();
    String fromHeader = SentryAuth.keyFromHeader(headers.get(SENTRY_AUTH));
    if (fromHeader != null && !fromHeader.isEmpty()) keys.add(fromHeader);
    String key = headers.get(SENTRY_KEY);
    if (key != null && !key.isBlank()) keys.add(key.trim());
    if (keys.isEmpty()) throw IngestException.unauthenticated("missing authentication: send x-sentry-auth or sentry_key metadata");
    Project p = SentryAuth.projectOfKey(ingestion.settings.auth(), keys);
    String named = headers.get(PROJECT);
    if (named != null && SentryAuth.parseProjectId(named.trim()) != p.id()) {
      throw IngestException.forbidden("this key is not valid for project " + named.trim());
    }
    return ingestion.admit(p);
  }

  /** The gRPC status of a refusal, with {@code google.rpc.RetryInfo} when the client should retry. */
  static RuntimeException status(IngestException e) {
    Code code = switch (e.kind()) {
      case MALFORMED, UNSUPPORTED -> Code.INVALID_ARGUMENT;
      case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
      case FORBIDDEN -> Code.PERMISSION_DENIED;
      case TOO_LARGE, OVERLOADED, RATE_LIMITED -> Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Code.UNAVAILABLE;
    };
    com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(e.getMessage());
    if (e.retryAfterSeconds() > 0) {
      s.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(Duration.newBuilder().setSeconds(e.retryAfterSeconds())).build()));
    }
    return StatusProto.toStatusRuntimeException(s.build());
  }

  /** Stops listening, lets running exports finish for up to 10 s. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) server.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }

  /** A request's bytes, or why they could not be read. */
  private record Message(byte[] bytes, Status refusal) {}

  /**
   * Reads the request as it came, decompressed and bounded by the inbound message size: over it,
   * RESOURCE_EXHAUSTED; a corrupt compressed stream, INVALID_ARGUMENT.
   */
  private static final class MessageMarshaller implements MethodDescriptor.Marshaller<Message> {
    @Override
    public InputStream stream(Message value) {
      return new java.io.ByteArrayInputStream(value.bytes());
    }

    @Override
    public Message parse(InputStream stream) {
      try {
        return new Message(stream.readAllBytes(), null);
      } catch (StatusRuntimeException e) {
        return new Message(null, e.getStatus());
      } catch (IOException e) {
        return new Message(null, Status.INVALID_ARGUMENT.withDescription("cannot read the message: " + e.getMessage()));
      }
    }
  }
}
