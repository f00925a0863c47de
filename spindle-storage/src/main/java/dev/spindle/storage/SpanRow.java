package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import dev.spindle.protocol.internal.Ids;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored span: one row per span. The root span of a transaction (a "segment") is a row too,
 * flagged by {@link #segment()}, and carries the transaction's event id in {@link #segmentId()};
 * every child span carries the same {@code segmentId}, {@code transaction} name and
 * {@code transactionOp}, so a columnar store can filter and group spans by transaction without
 * joins.
 *
 * <p>Times are microseconds since the epoch. {@code tags} are string pairs; {@code dataJson} is a
 * JSON object text (or {@code null}) holding the span's free-form data and measurements.
 *
 * @param projectId       the owning project
 * @param traceId         32 lowercase hex characters
 * @param spanId          16 lowercase hex characters
 * @param parentSpanId    the parent span's id (16 lowercase hex), or {@code null} for a trace root
 * @param segmentId       the transaction event id (32 hex) this span belongs to, or {@code null}
 * @param segment         whether this row is the root span of its transaction
 * @param transaction     the transaction name, or {@code null}
 * @param transactionSource {@code custom}, {@code url}, {@code route}, {@code sanitized}... or {@code null}
 * @param transactionOp   the op of the transaction (its segment root), e.g. {@code http.server}, or
 *                        {@code null}; a segment row without one takes its own {@code op}
 * @param op              the operation, e.g. {@code http.server}, or {@code null}
 * @param description     free text, or {@code null}
 * @param status          a Sentry span status name ({@code ok}, {@code internal_error}...), never null
 * @param startUs         start, microseconds since the epoch
 * @param endUs           end, microseconds since the epoch, {@code >= startUs}
 * @param tags            string tags, never null
 * @param dataJson        a JSON object text, or {@code null}
 * @param release         the release, or {@code null}
 * @param environment     the environment, or {@code null}
 * @param user            a key identifying the user (id, email, username or ip), or {@code null}
 * @param sampleRate      the head sampling rate in (0, 1]; 1 when unknown
 * @param service         the service name (OTel {@code service.name}), or {@code null}
 * @param platform        the platform ({@code java}, {@code otlp}...), or {@code null}
 */
public record SpanRow(
    long projectId,
    String traceId,
    String spanId,
    String parentSpanId,
    String segmentId,
    boolean segment,
    String transaction,
    String transactionSource,
    String transactionOp,
    String op,
    String description,
    String status,
    long startUs,
    long endUs,
    Map<String, String> tags,
    String dataJson,
    String release,
    String environment,
    String user,
    double sampleRate,
    String service,
    String platform) {

  public SpanRow {
    Ids.check(requireNonNull(traceId, "traceId"), 32, "traceId");
    Ids.check(requireNonNull(spanId, "spanId"), 16, "spanId");
    Ids.check(parentSpanId, 16, "parentSpanId");
    Ids.check(segmentId, 32, "segmentId");
    requireNonNull(status, "status");
    if (segment && transactionOp == null) transactionOp = op; // a transaction's op is its root's
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    if (endUs < startUs) {
      throw new IllegalArgumentException("endUs: " + endUs + " (expected: >= startUs " + startUs + ")");
    }
    if (!(sampleRate > 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: in (0, 1])");
    }
  }

  /** Duration in microseconds. */
  public long durationUs() {
    return endUs - startUs;
  }

  /**
   * Whether the row knows its transaction: a segment root, or a span with its segment's id.
   * Spans that arrive apart from their root (OTLP, Zipkin) are not, until span assembly joins
   * them to it ({@link #joinedTo}).
   */
  public boolean assembled() {
    return segment || segmentId != null;
  }

  /**
   * This span as a member of the segment rooted at {@code root}: the one rule for what a span
   * takes from its segment, wherever it is joined (in one request or later): the segment id,
   * the transaction name, source and op, and the service, release and environment it lacks.
   */
  public SpanRow joinedTo(SpanRow root) {
    return toBuilder().segmentId(root.segmentId).transaction(root.transaction)
        .transactionSource(root.transactionSource).transactionOp(root.transactionOp)
        .service(service != null ? service : root.service)
        .release(release != null ? release : root.release)
        .environment(environment != null ? environment : root.environment).build();
  }

  /** A builder; defaults: status {@code ok}, sample rate 1, no tags. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this row's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.projectId = projectId;
    b.traceId = traceId;
    b.spanId = spanId;
    b.parentSpanId = parentSpanId;
    b.segmentId = segmentId;
    b.segment = segment;
    b.transaction = transaction;
    b.transactionSource = transactionSource;
    b.transactionOp = transactionOp;
    b.op = op;
    b.description = description;
    b.status = status;
    b.startUs = startUs;
    b.endUs = endUs;
    b.tags.putAll(tags);
    b.dataJson = dataJson;
    b.release = release;
    b.environment = environment;
    b.user = user;
    b.sampleRate = sampleRate;
    b.service = service;
    b.platform = platform;
    return b;
  }

  /** Builds {@link SpanRow}s. Not thread-safe. */
  public static final class Builder {
    private long projectId;
    private String traceId;
    private String spanId;
    private String parentSpanId;
    private String segmentId;
    private boolean segment;
    private String transaction;
    private String transactionSource;
    private String transactionOp;
    private String op;
    private String description;
    private String status = "ok";
    private long startUs;
    private long endUs;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String dataJson;
    private String release;
    private String environment;
    private String user;
    private double sampleRate = 1.0;
    private String service;
    private String platform;

    private Builder() {}

    public Builder projectId(long v) { projectId = v; return this; }
    public Builder traceId(String v) { traceId = v; return this; }
    public Builder spanId(String v) { spanId = v; return this; }
    public Builder parentSpanId(String v) { parentSpanId = v; return this; }
    public Builder segmentId(String v) { segmentId = v; return this; }
    public Builder segment(boolean v) { segment = v; return this; }
    public Builder transaction(String v) { transaction = v; return this; }
    public Builder transactionSource(String v) { transactionSource = v; return this; }
    public Builder transactionOp(String v) { transactionOp = v; return this; }
    public Builder op(String v) { op = v; return this; }
    public Builder description(String v) { description = v; return this; }
    public Builder status(String v) { status = v; return this; }
    public Builder startUs(long v) { startUs = v; return this; }
    public Builder endUs(long v) { endUs = v; return this; }
    public Builder tag(String k, String v) { tags.put(requireNonNull(k, "k"), requireNonNull(v, "v")); return this; }
    public Builder tags(Map<String, String> v) { tags.clear(); if (v != null) tags.putAll(v); return this; }
    public Builder dataJson(String v) { dataJson = v; return this; }
    public Builder release(String v) { release = v; return this; }
    public Builder environment(String v) { environment = v; return this; }
    public Builder user(String v) { user = v; return this; }
    public Builder sampleRate(double v) { sampleRate = v; return this; }
    public Builder service(String v) { service = v; return this; }
    public Builder platform(String v) { platform = v; return this; }

    public SpanRow build() {
      return new SpanRow(projectId, traceId, spanId, parentSpanId, segmentId, segment, transaction,
          transactionSource, transactionOp, op, description, status, startUs, endUs, tags, dataJson,
          release, environment, user, sampleRate, service, platform);
    }
  }
}
