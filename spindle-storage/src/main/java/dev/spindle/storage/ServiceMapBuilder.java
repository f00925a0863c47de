package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Turns what a backend's service-map queries return (figures per caller and callee as stored:
 * project id and service column) into a {@link ServiceMap} named by service: an empty service is
 * its project's name, caller project 0 the {@link ServiceMap#UNKNOWN_CALLER}, a non-empty leaf an
 * un-instrumented destination, a service of a project the asker may not see
 * {@link ServiceMap#ANOTHER_PROJECT}. Keys that end up with the same names are merged (counts and
 * duration buckets add up). Not thread-safe.
 */
public final class ServiceMapBuilder {
  /**
   * A caller and a callee as stored.
   *
   * @param sourceProject the caller's project id, 0 when the caller is unknown
   * @param sourceService the caller's service column, empty when it had none
   * @param targetProject the callee's project id, 0 for a leaf destination
   * @param targetService the callee's service column, empty when it had none
   * @param leaf          the name of an un-instrumented destination, else empty
   */
  public record Pair(long sourceProject, String sourceService, long targetProject,
      String targetService, String leaf) {
    public Pair {
      sourceService = sourceService == null ? "" : sourceService;
      targetService = targetService == null ? "" : targetService;
      leaf = leaf == null ? "" : leaf;
    }
  }

  private final ServiceMapQuery query;
  private final LongFunction<String> projectNames;
  private final Map<String, NodeAcc> nodes = new LinkedHashMap<>();
  private final Map<List<String>, EdgeAcc> edges = new LinkedHashMap<>();

  /** @param projectNames a project's name by id, or null when there is no such project */
  public ServiceMapBuilder(ServiceMapQuery query, LongFunction<String> projectNames) {
    this.query = requireNonNull(query, "query");
    this.projectNames = requireNonNull(projectNames, "projectNames");
  }

  /** The transactions of one service: count, how many failed, p95 duration in ms. */
  public void node(long projectId, String service, long transactions, long failures, double p95Ms) {
    NodeAcc n = node(name(projectId, service), false);
    if (transactions > n.transactions) n.p95 = p95Ms;
    n.transactions += transactions;
    n.failures += failures;
  }

  /**
   * The calls of one pair (see {@link ServiceMap.Edge} for the figures); their latencies come as
   * {@link #durations}.
   */
  public void edge(Pair p, double calls, long count, long failures, long linked, long orphaned, long lost) {
    EdgeAcc e = edge(p);
    e.calls += calls;
    e.count += count;
    e.failures += failures;
    e.linked += linked;
    e.orphaned += orphaned;
    e.lost += lost;
  }

  /**
   * Calls of the pair whose sampling decision changed downstream, and linked calls whose callee's
   * dynamic sampling context differs from its caller's (see {@link ServiceMap.Causes}).
   */
  public void changes(Pair p, long samplingChanged, long baggageDropped) {
    EdgeAcc e = edge(p);
    e.samplingChanged += samplingChanged;
    e.baggageDropped += baggageDropped;
  }

  /** {@code count} calls of the pair whose callee took a duration in {@code bucket}. */
  public void durations(Pair p, int bucket, long count) {
    edge(p).durations.add(bucket, count);
  }

  /**
   * A lost or orphaned call of the pair; the backend gives them newest first. Its description
   * (a URL, a transaction name) is left out when either side is a project the asker may not see.
   */
  public void example(Pair p, String traceId, String spanId, String description, String continuedTraceId) {
    EdgeAcc e = edge(p);
    if (!query.visible(p.sourceProject()) || !query.visible(p.targetProject())) description = null;
    if (e.examples.size() < ServiceMapQuery.EXAMPLES) {
      e.examples.add(new ServiceMap.Example(traceId, spanId, description,
          continuedTraceId == null || continuedTraceId.isEmpty() ? null : continuedTraceId));
    }
  }

  /** Linked and lost calls of the pair ending in the series bucket starting at {@code startUs}. */
  public void bucket(Pair p, long startUs, long linked, long lost) {
    EdgeAcc e = edge(p);
    e.buckets.merge(startUs, new long[] {linked, lost}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
  }

  public ServiceMap build() {
    List<ServiceMap.Node> ns = new ArrayList<>();
    nodes.forEach((name, n) -> ns.add(new ServiceMap.Node(name, n.external, n.transactions,
        n.transactions == 0 ? 0 : (double) n.failures / n.transactions, n.p95)));
    ns.sort(Comparator.comparing(ServiceMap.Node::external)
        .thenComparing(Comparator.comparingLong(ServiceMap.Node::transactions).reversed())
        .thenComparing(ServiceMap.Node::service));
    List<ServiceMap.Edge> es = new ArrayList<>();
    edges.forEach((names, e) -> es.add(new ServiceMap.Edge(names.get(0), names.get(1), e.calls,
        e.count, e.count == 0 ? 0 : (double) e.failures / e.count,
        e.durations.percentileMs(0.5), e.durations.percentileMs(0.95), e.linked,
        e.orphaned, e.lost, e.samplingChanged, e.baggageDropped, e.examples, series(e))));
    es.sort(Comparator.comparingDouble(ServiceMap.Edge::calls).reversed()
        .thenComparing(ServiceMap.Edge::source).thenComparing(ServiceMap.Edge::target));
    return new ServiceMap(ns, es);
  }

  /** Every bucket of the period, empty ones with zeros. */
  private List<ServiceMap.Bucket> series(EdgeAcc e) {
    long interval = query.seriesIntervalUs();
    if (interval <= 0) return List.of();
    List<ServiceMap.Bucket> out = new ArrayList<>();
    for (long t = Math.floorDiv(query.startUs(), interval) * interval; t < query.endUs(); t += interval) {
      long[] v = e.buckets.getOrDefault(t, new long[2]);
      out.add(new ServiceMap.Bucket(t, v[0], v[1]));
    }
    return out;
  }

  private EdgeAcc edge(Pair p) {
    String source = p.sourceProject() == 0 ? ServiceMap.UNKNOWN_CALLER : name(p.sourceProject(), p.sourceService());
    boolean leaf = !p.leaf().isEmpty();
    String target = leaf ? p.leaf() : name(p.targetProject(), p.targetService());
    node(source, p.sourceProject() == 0 || !query.visible(p.sourceProject()));
    node(target, leaf || !query.visible(p.targetProject()));
    return edges.computeIfAbsent(List.of(source, target), k -> new EdgeAcc());
  }

  private NodeAcc node(String name, boolean external) {
    NodeAcc n = nodes.computeIfAbsent(name, k -> new NodeAcc(external));
    if (!external) n.external = false;
    return n;
  }

  private String name(long projectId, String service) {
    if (projectId != 0 && !query.visible(projectId)) return ServiceMap.ANOTHER_PROJECT;
    if (service != null && !service.isEmpty()) return service;
    String name = projectNames.apply(projectId);
    return name != null ? name : "project " + projectId;
  }

  private static final class NodeAcc {
    boolean external;
    long transactions;
    long failures;
    double p95;

    NodeAcc(boolean external) {
      this.external = external;
    }
  }

  private static final class EdgeAcc {
    double calls;
    long count;
    long failures;
    /** The durations of every key merged into this edge. */
    final DurationHistogram durations = new DurationHistogram();
    long linked;
    long orphaned;
    long lost;
    long samplingChanged;
    long baggageDropped;
    final List<ServiceMap.Example> examples = new ArrayList<>();
    final Map<Long, long[]> buckets = new LinkedHashMap<>();
  }
}
