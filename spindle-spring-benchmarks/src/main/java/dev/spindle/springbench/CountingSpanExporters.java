package dev.spindle.springbench;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps each OpenTelemetry {@link SpanExporter} bean (Boot's OTLP exporter) so that the spans
 * handed to it are counted: the benchmark reports whether the {@code BatchSpanProcessor} dropped
 * any. One increment per batch; everything else goes to the real exporter.
 */
final class CountingSpanExporters implements BeanPostProcessor {
  /** Spans handed to the exporters of this JVM (one application per JMH fork). */
  static final AtomicLong EXPORTED = new AtomicLong();

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    return bean instanceof SpanExporter exporter ? new Counting(exporter) : bean;
  }

  private record Counting(SpanExporter delegate) implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      EXPORTED.addAndGet(spans.size());
      return delegate.export(spans);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
