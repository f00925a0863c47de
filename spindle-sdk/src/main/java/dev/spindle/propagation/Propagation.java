package dev.spindle.propagation;

import dev.spindle.internal.propagation.SentryTraceHeader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Carrier access for trace propagation: a {@link Getter} reads header values from a request and a
 * {@link Setter} writes them, so one propagator works with any HTTP or messaging library. Both are
 * functional interfaces and fit method references, e.g. {@code HttpURLConnection::getRequestProperty}
 * and {@code HttpURLConnection::setRequestProperty}.
 *
 * <p>Header names are the lowercase constants below. Carriers that are case-sensitive should be
 * read through a getter that ignores case, as {@link #mapGetter()} and {@link #multiMapGetter()}
 * do.
 */
public final class Propagation {
  /** Sentry's trace header: {@code <trace_id>-<span_id>[-<sampled>]}. */
  public static final String SENTRY_TRACE = "sentry-trace";
  /** W3C Baggage, carrying the Dynamic Sampling Context as {@code sentry-} members. */
  public static final String BAGGAGE = "baggage";
  /** W3C Trace Context {@code traceparent}. */
  public static final String TRACEPARENT = "traceparent";
  /** W3C Trace Context {@code tracestate}. */
  public static final String TRACESTATE = "tracestate";
  /** Every header a tracer may read or write, in that order. */
  public static final List<String> FIELDS = List.of(SENTRY_TRACE, BAGGAGE, TRACEPARENT, TRACESTATE);

  private Propagation() {}

  /**
   * The {@code sentry-trace} value naming a caller: {@code <trace_id>-<span_id>}, plus {@code -1}
   * or {@code -0} when {@code sampled} is known. For a bridge from another tracer's context;
   * {@code Tracer.extract} of it validates the ids.
   */
  public static String sentryTrace(String traceId, String spanId, Boolean sampled) {
    return SentryTraceHeader.format(traceId, spanId, sampled);
  }

  /**
   * Reads header values from a carrier. Implementations must not throw for absent keys: they
   * return {@code null}.
   *
   * @param <C> the carrier type, e.g. an HTTP request
   */
  @FunctionalInterface
  public interface Getter<C> {
    /** The value of the header {@code key} (lowercase), or {@code null} when absent. */
    String get(C carrier, String key);

    /**
     * Every value of a header that may repeat, in order; empty when absent, never {@code null}.
     * The default returns the single value of {@link #get}. Override it for carriers that keep
     * repeated headers apart: the W3C rules need to know whether {@code traceparent} was sent
     * twice, and repeated {@code baggage}/{@code tracestate} headers are combined.
     */
    default List<String> getAll(C carrier, String key) {
      String value = get(carrier, key);
      return value == null ? List.of() : List.of(value);
    }
  }

  /**
   * Writes a header to a carrier. For {@code baggage} merging to be correct the setter should
   * replace an existing value rather than add a second header.
   *
   * @param <C> the carrier type, e.g. an HTTP request builder
   */
  @FunctionalInterface
  public interface Setter<C> {
    void set(C carrier, String key, String value);
  }

  /**
   * A getter for {@code Map<String, String>} carriers that matches header names ignoring case.
   * When several keys differ only by case, {@link Getter#getAll} returns all their values.
   */
  public static Getter<Map<String, String>> mapGetter() {
    return MapGetter.INSTANCE;
  }

  /**
   * A setter for {@code Map<String, String>} carriers: removes any key equal ignoring case, then
   * puts the lowercase key. The map must be mutable.
   */
  public static Setter<Map<String, String>> mapSetter() {
    return MapSetter.INSTANCE;
  }

  /**
   * A getter for {@code Map<String, List<String>>} carriers (the shape of
   * {@code HttpURLConnection.getHeaderFields()} and most server request abstractions), matching
   * names ignoring case. {@link Getter#get} returns the first value.
   */
  public static Getter<Map<String, List<String>>> multiMapGetter() {
    return MultiMapGetter.INSTANCE;
  }

  /**
   * A setter for {@code Map<String, List<String>>} carriers: removes any key equal ignoring case,
   * then puts the lowercase key with a new mutable single-element list. The map must be mutable.
   */
  public static Setter<Map<String, List<String>>> multiMapSetter() {
    return MultiMapSetter.INSTANCE;
  }

  private enum MapGetter implements Getter<Map<String, String>> {
    INSTANCE;

    @Override
    public String get(Map<String, String> carrier, String key) {
      if (carrier == null || key == null) return null;
      for (Map.Entry<String, String> e : carrier.entrySet()) {
        if (key.equalsIgnoreCase(e.getKey()) && e.getValue() != null) return e.getValue();
      }
      return null;
    }

    @Override
    public List<String> getAll(Map<String, String> carrier, String key) {
      if (carrier == null || key == null) return List.of();
      List<String> out = null;
      for (Map.Entry<String, String> e : carrier.entrySet()) {
        if (key.equalsIgnoreCase(e.getKey()) && e.getValue() != null) {
          if (out == null) out = new ArrayList<>(2);
          out.add(e.getValue());
        }
      }
      return out == null ? List.of() : out;
    }
  }

  private enum MultiMapGetter implements Getter<Map<String, List<String>>> {
    INSTANCE;

    @Override
    public String get(Map<String, List<String>> carrier, String key) {
      if (carrier == null || key == null) return null;
      for (Map.Entry<String, List<String>> e : carrier.entrySet()) {
        if (key.equalsIgnoreCase(e.getKey()) && e.getValue() != null) {
          for (String v : e.getValue()) {
            if (v != null) return v;
          }
        }
      }
      return null;
    }

    @Override
    public List<String> getAll(Map<String, List<String>> carrier, String key) {
      if (carrier == null || key == null) return List.of();
      List<String> out = null;
      for (Map.Entry<String, List<String>> e : carrier.entrySet()) {
        if (key.equalsIgnoreCase(e.getKey()) && e.getValue() != null) {
          for (String v : e.getValue()) {
            if (v == null) continue;
            if (out == null) out = new ArrayList<>(2);
            out.add(v);
          }
        }
      }
      return out == null ? List.of() : out;
    }
  }

  private enum MapSetter implements Setter<Map<String, String>> {
    INSTANCE;

    @Override
    public void set(Map<String, String> carrier, String key, String value) {
      removeIgnoringCase(carrier, key);
      carrier.put(key.toLowerCase(java.util.Locale.ROOT), value);
    }
  }

  private enum MultiMapSetter implements Setter<Map<String, List<String>>> {
    INSTANCE;

    @Override
    public void set(Map<String, List<String>> carrier, String key, String value) {
      removeIgnoringCase(carrier, key);
      List<String> values = new ArrayList<>(1);
      values.add(value);
      carrier.put(key.toLowerCase(java.util.Locale.ROOT), values);
    }
  }

  private static void removeIgnoringCase(Map<String, ?> carrier, String key) {
    for (Iterator<String> it = carrier.keySet().iterator(); it.hasNext(); ) {
      if (key.equalsIgnoreCase(it.next())) it.remove();
    }
  }
}
