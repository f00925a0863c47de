package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.json.Json;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceVerdict;
import dev.spindle.storage.VerdictQuery;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Trace verdicts in the API: the {@code verdict} parameter and the verdict object of a trace. */
final class VerdictJson {
  private VerdictJson() {}

  /** The {@code verdict} query parameter: a {@link TraceVerdict.Kind}'s wire name, or null when absent. */
  static TraceVerdict.Kind kind(String param) {
    if (param == null || param.isBlank()) return null;
    TraceVerdict.Kind k = TraceVerdict.Kind.parse(param.trim());
    if (k == null) {
      throw ApiException.badRequest("verdict: '" + param + "' (expected: one of "
          + Arrays.stream(TraceVerdict.Kind.values()).map(TraceVerdict.Kind::wireName).collect(Collectors.joining(", "))
          + ")");
    }
    return k;
  }

  /** The verdict of a stored trace, judged over its spans' time range; null when the storage judges none. */
  static TraceVerdict of(Storage storage, TraceData t, Long projectId) {
    if (t.spans().isEmpty()) return null;
    long start = t.spans().stream().mapToLong(SpanRow::startUs).min().orElseThrow();
    long end = t.spans().stream().mapToLong(SpanRow::endUs).max().orElseThrow() + 1;
    List<TraceVerdict> v = judge(storage, new VerdictQuery(projectId, start, end, Set.of(t.traceId()), null, 1));
    return v.isEmpty() ? null : v.get(0);
  }

  /**
   * The storage's verdicts for {@code q}; none when it judges none, unless {@code q} filters by
   * a finding (then a 400: the filter cannot be applied).
   */
  static List<TraceVerdict> judge(Storage storage, VerdictQuery q) {
    try {
      return storage.verdicts().verdicts(q);
    } catch (UnsupportedOperationException e) {
      if (q.kind() != null) throw ApiException.badRequest("verdict: this storage judges no traces");
      return List.of();
    }
  }

  /** {@code {"verdict": "gap", "kinds": [...], "rootMissing", "droppedSpans", "gaps": [...], "lost": [...]}}. */
  static ObjectNode render(TraceVerdict v) {
    ObjectNode o = Json.object();
    o.put("verdict", v.verdict().wireName());
    ArrayNode kinds = o.putArray("kinds");
    v.kinds().forEach(k -> kinds.add(k.wireName()));
    o.put("rootMissing", v.rootMissing());
    o.put("droppedSpans", v.droppedSpans());
    ArrayNode gaps = o.putArray("gaps");
    for (TraceVerdict.Gap g : v.gaps()) {
      gaps.addObject().put("source", g.source()).put("target", g.target()).put("spanId", g.spanId())
          .put("transaction", g.transaction());
    }
    ArrayNode lost = o.putArray("lost");
    for (TraceVerdict.Lost l : v.lost()) {
      lost.addObject().put("spanId", l.spanId()).put("description", l.description()).put("target", l.target())
          .put("continuedTraceId", l.continuedTraceId());
    }
    return o;
  }
}
