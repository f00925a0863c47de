package dev.spindle.benchmarks;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenTelemetry exporter that discards spans, counting them (it is called on the
 * {@code BatchSpanProcessor}'s worker thread). Nothing is serialized: OpenTelemetry's exporters
 * marshal to OTLP inside the exporter, on that background thread.
 */
final class CountingSpanExporter implements SpanExporter {
  final AtomicLong exported = new AtomicLong();

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    exported.addAndGet(spans.size());
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
