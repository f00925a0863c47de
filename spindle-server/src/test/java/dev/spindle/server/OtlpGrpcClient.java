package dev.spindle.server;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A raw OTLP/gRPC client: sends any bytes as {@code TraceService/Export}, with any metadata. */
final class OtlpGrpcClient implements AutoCloseable {
  private static final MethodDescriptor<byte[], ExportTraceServiceResponse> EXPORT = TraceServiceGrpc.getExportMethod()
      .toBuilder(new MethodDescriptor.Marshaller<byte[]>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }, ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance())).build();

  private final ManagedChannel channel;

  OtlpGrpcClient(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** Exports {@code body}; throws {@link io.grpc.StatusRuntimeException} when refused. */
  ExportTraceServiceResponse export(byte[] body, Map<String, String> metadata, boolean gzip) {
    Metadata md = new Metadata();
    metadata.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    if (gzip) options = options.withCompression("gzip");
    return ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(md)), EXPORT, options, body);
  }

  /** One request of {@code spans} for service {@code checkout}. */
  static ExportTraceServiceRequest request(List<Span> spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))).build();
  }

  /** A server span from {@code startMs} lasting 5 ms; ids in hex (any length, for invalid ones). */
  static Span span(String traceId, String spanId, String name, long startMs) {
    HexFormat hex = HexFormat.of();
    return Span.newBuilder().setTraceId(ByteString.copyFrom(hex.parseHex(traceId)))
        .setSpanId(ByteString.copyFrom(hex.parseHex(spanId))).setName(name).setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(startMs * 1_000_000).setEndTimeUnixNano((startMs + 5) * 1_000_000).build();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
