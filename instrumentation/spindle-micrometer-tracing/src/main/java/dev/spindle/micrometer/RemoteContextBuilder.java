package dev.spindle.micrometer;

import io.micrometer.tracing.TraceContext;

/** Builds a remote context from ids; {@link TraceContext#NOOP} when they are not valid. */
final class RemoteContextBuilder implements TraceContext.Builder {
  private final SpindleMicrometerTracer bridge;
  private String traceId;
  private String spanId;
  private Boolean sampled;

  RemoteContextBuilder(SpindleMicrometerTracer bridge) {
    this.bridge = bridge;
  }

  @Override
  public RemoteContextBuilder traceId(String traceId) {
    this.traceId = traceId;
    return this;
  }

  /** Ignored: a remote context's parent is upstream's business. */
  @Override
  public RemoteContextBuilder parentId(String parentId) {
    return this;
  }

  @Override
  public RemoteContextBuilder spanId(String spanId) {
    this.spanId = spanId;
    return this;
  }

  @Override
  public RemoteContextBuilder sampled(Boolean sampled) {
    this.sampled = sampled;
    return this;
  }

  @Override
  public TraceContext build() {
    var incoming = bridge.continuing(new Ids(traceId, spanId, sampled));
    return incoming == null ? TraceContext.NOOP : BridgeTraceContext.remote(incoming);
  }

  private static final class Ids implements TraceContext {
    private final String traceId;
    private final String spanId;
    private final Boolean sampled;

    Ids(String traceId, String spanId, Boolean sampled) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.sampled = sampled;
    }

    @Override public String traceId() { return traceId; }
    @Override public String parentId() { return null; }
    @Override public String spanId() { return spanId; }
    @Override public Boolean sampled() { return sampled; }
  }
}
