package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How complete a stored trace is, so that no loss is silent. A trace may have several findings;
 * {@link #kinds()} holds each, {@link #verdict()} the worst.
 *
 * @param traceId      the trace
 * @param endUs        the latest end of its spans read
 * @param rootMissing  no span of the trace is a root (every span names a parent): the trace
 *                     started in a service that sent nothing, or its root was lost
 * @param gaps         the transactions whose parent span is missing while the trace holds their
 *                     caller (a transaction enclosing them) or its root: a hop that lost a span
 * @param lost         the client spans whose context never arrived: a new trace started in
 *                     their place (see {@link ServiceMap})
 * @param droppedSpans child spans the SDKs dropped from the trace's transactions (span limit):
 *                     the {@code spindle.dropped_spans} number of a transaction's trace data
 */
public record TraceVerdict(String traceId, long endUs, boolean rootMissing, List<Gap> gaps, List<Lost> lost,
    long droppedSpans) {

  /** A finding about a trace; {@link #COMPLETE} when there is none. Worst last. */
  public enum Kind {
    COMPLETE, TRUNCATED, MISSING_ROOT, GAP, LOST;

    /** The name in the API and in queries: {@code complete}, {@code missing_root}... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a {@link #wireName()}, or null when there is none. */
    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.wireName().equals(text)) return k;
      }
      return null;
    }
  }

  /**
   * A hop where a span went missing.
   *
   * @param source      the caller: the service of the transaction enclosing the orphan, or
   *                    {@link ServiceMap#UNKNOWN_CALLER}
   * @param target      the orphan transaction's service
   * @param spanId      the orphan transaction's root span
   * @param transaction the orphan transaction's name, or null
   */
  public record Gap(String source, String target, String spanId, String transaction) {
    public Gap {
      requireNonNull(source, "source");
      requireNonNull(target, "target");
      requireNonNull(spanId, "spanId");
    }
  }

  /**
   * A call whose context was lost.
   *
   * @param spanId           the client span
   * @param description      its description, or null
   * @param target           the service whose root transaction started in its place
   * @param continuedTraceId that root's trace
   */
  public record Lost(String spanId, String description, String target, String continuedTraceId) {
    public Lost {
      requireNonNull(spanId, "spanId");
      requireNonNull(target, "target");
      requireNonNull(continuedTraceId, "continuedTraceId");
    }
  }

  public TraceVerdict {
    requireNonNull(traceId, "traceId");
    gaps = List.copyOf(gaps);
    lost = List.copyOf(lost);
    if (droppedSpans < 0) throw new IllegalArgumentException("droppedSpans: " + droppedSpans + " (expected: >= 0)");
  }

  /** Every finding, or only {@link Kind#COMPLETE}. */
  public Set<Kind> kinds() {
    Set<Kind> out = EnumSet.noneOf(Kind.class);
    if (droppedSpans > 0) out.add(Kind.TRUNCATED);
    if (rootMissing) out.add(Kind.MISSING_ROOT);
    if (!gaps.isEmpty()) out.add(Kind.GAP);
    if (!lost.isEmpty()) out.add(Kind.LOST);
    if (out.isEmpty()) out.add(Kind.COMPLETE);
    return out;
  }

  /** The worst finding. */
  public Kind verdict() {
    Kind worst = Kind.COMPLETE;
    for (Kind k : kinds()) {
      if (k.compareTo(worst) > 0) worst = k;
    }
    return worst;
  }
}
