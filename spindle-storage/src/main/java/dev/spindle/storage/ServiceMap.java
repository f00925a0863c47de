package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Services and the calls between them over a period, with how well trace context propagates.
 *
 * <p>A service is a row's {@code service} (OTel {@code service.name}, Sentry's
 * {@code service.name} tag) or, failing that, its project's name. Calls are classified:
 *
 * <ul>
 *   <li><b>linked</b>: a transaction (or a span that joined none) whose parent span, in the same
 *       trace, belongs to another service: the callee's transaction has the caller's span as its
 *       parent;
 *   <li><b>orphaned</b>: a transaction whose parent span id names no span of its trace; the caller
 *       is the service of the trace's latest-starting other transaction that encloses the
 *       orphan's start (the same service for a hand-off lost inside one service), else
 *       {@link #UNKNOWN_CALLER};
 *   <li><b>lost</b>: an HTTP or RPC client span ({@code http.client}, {@code rpc.client},
 *       {@code grpc.client}) with no child transaction, while a
 *       <em>root</em> transaction of another service with the same HTTP method and path started
 *       within the client span's time window (widened by the clock skew measured between the
 *       caller and the root's service, {@link ClockSkew}, cut to
 *       {@link ServiceMapQuery#MATCH_WINDOW_US}): the context never arrived and a new trace
 *       started in its place; the callee is the root's service;
 *   <li><b>external</b>: any other client span ({@code queue.publish} and {@code db} too) without
 *       a child transaction: a call to an un-instrumented destination, a leaf node named by its
 *       {@code db.system}, host, messaging destination or, failing those, the span's operation.
 * </ul>
 *
 * @param nodes services by name; leaf destinations have no transactions
 * @param edges calls by caller and callee, busiest first
 */
public record ServiceMap(List<Node> nodes, List<Edge> edges) {
  /** The caller of an orphan whose trace holds no enclosing transaction. */
  public static final String UNKNOWN_CALLER = "unknown caller";
  /** A service of a project the asker may not see ({@link ServiceMapQuery#visibleProjects}). */
  public static final String ANOTHER_PROJECT = "another project";

  public ServiceMap {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * A service or leaf destination.
   *
   * @param service      its name
   * @param external     whether it is an un-instrumented destination (or the unknown caller)
   * @param transactions transactions of the service ending in the period
   * @param failureRate  the share of them that failed (Sentry's definition), 0 when none
   * @param p95          their 95th percentile duration in milliseconds, 0 when none
   */
  public record Node(String service, boolean external, long transactions, double failureRate, double p95) {
    public Node {
      requireNonNull(service, "service");
    }
  }

  /**
   * The calls from one service to another.
   *
   * @param source      the caller
   * @param target      the callee
   * @param calls       the calls extrapolated by sample rate: Σ 1 / sample rate
   * @param count       the calls stored
   * @param failureRate the share of stored calls that failed: the status of the callee's
   *                    transaction (linked and orphaned calls; the matched root of a lost call),
   *                    the client span's for calls to a leaf
   * @param p50         the median duration in milliseconds, of the same transaction or span
   * @param p95         the 95th percentile of the same
   * @param linked      linked calls stored
   * @param orphaned    orphaned calls stored
   * @param lost        lost calls stored
   * @param samplingChanged linked and orphaned calls whose callee recorded its transaction though
   *                    the incoming sampling decision said not to, or at another sample rate
   * @param baggageDropped linked calls whose callee's dynamic sampling context differs from its
   *                    caller's: the baggage did not arrive and the callee made its own
   * @param examples    up to {@link ServiceMapQuery#EXAMPLES} lost or orphaned calls, newest first
   * @param series      the lost share over the period, or empty when not asked for
   */
  public record Edge(String source, String target, double calls, long count, double failureRate,
      double p50, double p95, long linked, long orphaned, long lost, long samplingChanged,
      long baggageDropped, List<Example> examples,
      List<Bucket> series) {
    public Edge {
      requireNonNull(source, "source");
      requireNonNull(target, "target");
      examples = List.copyOf(examples);
      series = List.copyOf(series);
    }

    /** lost / (linked + lost), 0 when both are 0. */
    public double lostShare() {
      return share(lost, linked);
    }

    /** Why this edge's lost and orphaned calls lost their context, where that can be known. */
    public Causes causes() {
      long handoff = source.equals(target) ? orphaned : 0;
      return new Causes(lost, handoff, orphaned - handoff, samplingChanged, baggageDropped);
    }
  }

  /**
   * The causes of an edge's lost and orphaned calls that the stored spans tell apart.
   *
   * @param noHeaders     lost calls: no trace headers arrived (or none the callee could read),
   *                      so the callee started a new trace
   * @param asyncHandoff  orphans whose caller is their own service: the context was lost at an
   *                      asynchronous hand-off inside it (an executor, a queue, a callback)
   * @param parentMissing orphans called by another service whose parent span never arrived
   *                      (dropped, not sampled upstream, or sent to another project's storage)
   * @param samplingChanged calls whose callee recorded its transaction though its incoming dynamic
   *                      sampling context said {@code sampled=false}, or at another sample rate
   *                      than its caller's (the decision changed downstream)
   * @param baggageDropped linked calls whose callee's dynamic sampling context differs from its
   *                      caller's: the trace headers arrived, the baggage did not
   */
  public record Causes(long noHeaders, long asyncHandoff, long parentMissing, long samplingChanged,
      long baggageDropped) {}

  /**
   * A call whose context did not arrive.
   *
   * @param traceId          the caller's trace (lost), or the orphan's trace
   * @param spanId           the client span that lost the context (lost), or the orphan's root span
   * @param description      the client span's description, or the orphan's transaction name
   * @param continuedTraceId the trace that started in its place (lost), or {@code null}
   */
  public record Example(String traceId, String spanId, String description, String continuedTraceId) {}

  /**
   * One interval of an edge's series: linked and lost calls ending in
   * [{@code startUs}, start + interval).
   */
  public record Bucket(long startUs, long linked, long lost) {
    /** lost / (linked + lost), 0 when both are 0. */
    public double lostShare() {
      return share(lost, linked);
    }
  }

  private static double share(long lost, long linked) {
    return lost + linked == 0 ? 0 : (double) lost / (lost + linked);
  }
}
