package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Turns what a backend's verdict queries return into {@link TraceVerdict}s, with one rule for
 * both backends: an orphan transaction is a {@linkplain TraceVerdict#gaps() gap} when its caller
 * is known (a transaction of the trace encloses it) or the trace has a root; otherwise it is the
 * top of a trace whose root is missing. Services are named as on the service map (an empty
 * service is its project's name). Not thread-safe.
 */
public final class VerdictBuilder {
  /** A regular expression (RE2) for the dropped-span count in a transaction's data JSON text. */
  public static final String DROPPED_SPANS = "\"spindle\\.dropped_spans\"\\s*:\\s*([0-9]{1,9})";

  private final VerdictQuery query;
  private final LongFunction<String> projectNames;
  private final Map<String, Acc> traces = new HashMap<>();

  /** @param projectNames a project's name by id, or null when there is no such project */
  public VerdictBuilder(VerdictQuery query, LongFunction<String> projectNames) {
    this.query = requireNonNull(query, "query");
    this.projectNames = requireNonNull(projectNames, "projectNames");
  }

  /** A trace of the query: its latest span end, whether a span of it has no parent, spans dropped. */
  public void trace(String traceId, long endUs, boolean rooted, long droppedSpans) {
    Acc a = acc(traceId);
    a.seen = true;
    a.endUs = endUs;
    a.rooted = rooted;
    a.dropped = droppedSpans;
  }

  /**
   * An orphan transaction of the trace (a service-map {@code orphaned} call): caller as stored
   * ({@code callerProject} 0 when unknown), the orphan's project, service, root span and name.
   */
  public void orphan(String traceId, long callerProject, String callerService, long project, String service,
      String spanId, String transaction) {
    acc(traceId).orphans.add(new Orphan(callerProject, callerService, project, service, spanId, transaction));
  }

  /** A lost call of the trace: the client span, its description, the root that started in its place. */
  public void lost(String traceId, String spanId, String description, long targetProject, String targetService,
      String continuedTraceId) {
    acc(traceId).lost.add(new TraceVerdict.Lost(spanId, description, name(targetProject, targetService),
        continuedTraceId));
  }

  /** The verdicts of the traces given by {@link #trace}, filtered by the query's kind, newest first. */
  public List<TraceVerdict> build() {
    List<TraceVerdict> out = new ArrayList<>();
    for (Map.Entry<String, Acc> e : traces.entrySet()) {
      Acc a = e.getValue();
      if (!a.seen) continue;
      List<TraceVerdict.Gap> gaps = new ArrayList<>();
      for (Orphan o : a.orphans) {
        if (o.callerProject == 0 && !a.rooted) continue;
        gaps.add(new TraceVerdict.Gap(o.callerProject == 0 ? ServiceMap.UNKNOWN_CALLER
            : name(o.callerProject, o.callerService), name(o.project, o.service), o.spanId, o.transaction));
      }
      gaps.sort(Comparator.comparing(TraceVerdict.Gap::spanId));
      a.lost.sort(Comparator.comparing(TraceVerdict.Lost::spanId));
      TraceVerdict v = new TraceVerdict(e.getKey(), a.endUs, !a.rooted, gaps, a.lost, a.dropped);
      if (query.kind() == null || v.kinds().contains(query.kind())) out.add(v);
    }
    out.sort(Comparator.comparingLong(TraceVerdict::endUs).reversed().thenComparing(TraceVerdict::traceId));
    return out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : out;
  }

  private Acc acc(String traceId) {
    return traces.computeIfAbsent(requireNonNull(traceId, "traceId"), k -> new Acc());
  }

  private String name(long projectId, String service) {
    if (service != null && !service.isEmpty()) return service;
    String name = projectNames.apply(projectId);
    return name != null ? name : "project " + projectId;
  }

  private record Orphan(long callerProject, String callerService, long project, String service, String spanId,
      String transaction) {}

  private static final class Acc {
    boolean seen;
    long endUs;
    boolean rooted;
    long dropped;
    final List<Orphan> orphans = new ArrayList<>();
    final List<TraceVerdict.Lost> lost = new ArrayList<>();
  }
}
