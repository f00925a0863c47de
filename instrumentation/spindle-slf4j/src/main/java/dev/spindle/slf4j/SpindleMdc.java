package dev.spindle.slf4j;

import dev.spindle.Scope;
import dev.spindle.ScopeDecorator;
import dev.spindle.Span;
import dev.spindle.Spindle;
import java.util.Objects;
import org.slf4j.MDC;

/**
 * Mirrors the current span into the SLF4J MDC: while a span is current on a thread, the MDC of
 * that thread holds its trace id and span id (keys {@value #DEFAULT_TRACE_ID_KEY} and
 * {@value #DEFAULT_SPAN_ID_KEY} unless configured), so every log line written inside the span
 * can be found from the trace and back. When the scope closes, the values that were there before
 * are put back (or removed when there were none). Spans carried into other threads with
 * {@code Spindle.wrap(...)} are mirrored on those threads too.
 *
 * <pre>{@code
 * SpindleMdc.install();                      // once, at startup
 * // logback pattern: %X{trace_id} %X{span_id}
 * }</pre>
 *
 * Unsampled spans are mirrored as well: their ids still identify the trace.
 */
public final class SpindleMdc {
  /** The default MDC key of the 32-hex trace id. */
  public static final String DEFAULT_TRACE_ID_KEY = "trace_id";
  /** The default MDC key of the 16-hex span id. */
  public static final String DEFAULT_SPAN_ID_KEY = "span_id";

  private static final String INVALID_TRACE_ID = "00000000000000000000000000000000";
  private static MdcDecorator installed;

  private SpindleMdc() {}

  /** Installs the MDC decorator with the default keys; installing again changes nothing. */
  public static void install() {
    install(DEFAULT_TRACE_ID_KEY, DEFAULT_SPAN_ID_KEY);
  }

  /**
   * Installs the MDC decorator with the given keys, replacing one installed earlier with other
   * keys. Affects scopes opened from now on.
   */
  public static synchronized void install(String traceIdKey, String spanIdKey) {
    requireKey(traceIdKey, "traceIdKey");
    requireKey(spanIdKey, "spanIdKey");
    if (traceIdKey.equals(spanIdKey)) {
      throw new IllegalArgumentException("spanIdKey: " + spanIdKey + " (expected: != traceIdKey)");
    }
    if (installed != null) {
      if (installed.traceIdKey.equals(traceIdKey) && installed.spanIdKey.equals(spanIdKey)) return;
      Spindle.removeScopeDecorator(installed);
    }
    installed = new MdcDecorator(traceIdKey, spanIdKey);
    Spindle.addScopeDecorator(installed);
  }

  /**
   * Removes the decorator. Scopes still open keep restoring the MDC when they close; new scopes
   * no longer touch it.
   */
  public static synchronized void uninstall() {
    if (installed == null) return;
    Spindle.removeScopeDecorator(installed);
    installed = null;
  }

  /** True between {@link #install} and {@link #uninstall()}. */
  public static synchronized boolean isInstalled() {
    return installed != null;
  }

  private static void requireKey(String key, String name) {
    Objects.requireNonNull(key, name);
    if (key.isBlank()) throw new IllegalArgumentException(name + ": \"" + key + "\" (expected: not blank)");
  }

  static final class MdcDecorator implements ScopeDecorator {
    final String traceIdKey;
    final String spanIdKey;

    MdcDecorator(String traceIdKey, String spanIdKey) {
      this.traceIdKey = traceIdKey;
      this.spanIdKey = spanIdKey;
    }

    @Override
    public Scope decorate(Span span, Scope scope) {
      String previousTraceId = MDC.get(traceIdKey);
      String previousSpanId = MDC.get(spanIdKey);
      if (span == null || span.traceId() == null || INVALID_TRACE_ID.equals(span.traceId())) {
        if (previousTraceId == null && previousSpanId == null) return scope;
        MDC.remove(traceIdKey);
        MDC.remove(spanIdKey);
      } else {
        MDC.put(traceIdKey, span.traceId());
        MDC.put(spanIdKey, span.spanId());
      }
      return new MdcScope(this, scope, previousTraceId, previousSpanId);
    }

    @Override
    public String toString() {
      return "SpindleMdc(" + traceIdKey + ", " + spanIdKey + ")";
    }
  }

  /** Puts back what the MDC held before; only on the thread that opened it, and only once. */
  static final class MdcScope implements Scope {
    private final MdcDecorator decorator;
    private final Scope delegate;
    private final String previousTraceId;
    private final String previousSpanId;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    MdcScope(MdcDecorator decorator, Scope delegate, String previousTraceId, String previousSpanId) {
      this.decorator = decorator;
      this.delegate = delegate;
      this.previousTraceId = previousTraceId;
      this.previousSpanId = previousSpanId;
    }

    @Override
    public void close() {
      try {
        if (!closed && Thread.currentThread() == owner) {
          closed = true;
          restore(decorator.traceIdKey, previousTraceId);
          restore(decorator.spanIdKey, previousSpanId);
        }
      } catch (RuntimeException e) {
        // an MDC adapter failing must not keep the span current
      } finally {
        delegate.close();
      }
    }

    private static void restore(String key, String value) {
      if (value == null) MDC.remove(key);
      else MDC.put(key, value);
    }
  }
}
