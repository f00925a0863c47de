package dev.spindle.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.Storage;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import dev.spindle.storage.discover.DiscoverQueryException;
import dev.spindle.storage.discover.DiscoverResult;
import dev.spindle.storage.discover.Field;
import dev.spindle.storage.discover.FieldType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;

/**
 * {@code GET /api/v1/discover}: ad-hoc queries over transactions and spans.
 *
 * <p>Parameters: {@code field} (repeated, at least one: columns such as {@code transaction},
 * tags as {@code tags[key]}, aggregates such as {@code count()} or {@code p95()}), {@code query}
 * (search terms, ANDed), {@code sort} (repeated, a selected field, {@code -} for descending),
 * {@code statsPeriod} (default {@code 24h}) or {@code start} and {@code end}, {@code project},
 * {@code limit} (default 50, at most 1000) and {@code dataset} ({@code transactions}, the default,
 * or {@code spans}).
 *
 * <p>Answer: {@code {"data": [{field: value}], "meta": {"fields": {field: type}, "units":
 * {field: unit}}}}, keyed by each field as written. Durations are milliseconds, dates float
 * seconds since the epoch. Every mistake in the query is a 400 saying what and where.
 */
final class DiscoverHandler implements Handler {
  private final Storage storage;

  DiscoverHandler(Storage storage) {
    this.storage = requireNonNull(storage, "storage");
  }

  @Override
  public void handle(Context ctx) {
    DiscoverQuery q = query(ctx);
    Responses.json(ctx, 200, render(q, storage.discover().discover(q)));
  }

  private static DiscoverQuery query(Context ctx) {
    long[] range = QueryParams.range(ctx);
    Long project = QueryParams.project(ctx);
    int limit = QueryParams.limit(ctx, DiscoverQuery.DEFAULT_LIMIT, DiscoverQuery.MAX_LIMIT);
    String ds = ctx.queryParam("dataset");
    Dataset dataset = ds == null || ds.isBlank() ? Dataset.TRANSACTIONS : Dataset.byName(ds.trim())
        .orElseThrow(() -> ApiException.badRequest("dataset: '" + ds + "' (expected: transactions or spans)"));
    DiscoverQuery.Builder b = DiscoverQuery.builder(range[0], range[1]).projectId(project).dataset(dataset)
        .limit(limit);
    List<String> fields = ctx.queryParams("field");
    for (String f : fields) {
      try {
        b.field(f);
      } catch (DiscoverQueryException e) {
        throw ApiException.badRequest("field: " + e.getMessage());
      }
    }
    try {
      b.query(ctx.queryParam("query"));
    } catch (DiscoverQueryException e) {
      throw ApiException.badRequest("query: " + e.getMessage());
    }
    try {
      for (String s : ctx.queryParams("sort")) b.sort(s);
      return b.build();
    } catch (DiscoverQueryException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static ObjectNode render(DiscoverQuery q, DiscoverResult result) {
    List<String> labels = q.labels();
    List<Field> fields = q.fields();
    ArrayNode data = Responses.array();
    for (List<Object> row : result.rows()) {
      ObjectNode o = data.addObject();
      for (int i = 0; i < labels.size(); i++) {
        Object v = row.get(i);
        String k = labels.get(i);
        if (v == null) o.putNull(k);
        else if (fields.get(i).type() == FieldType.DATE) o.put(k, Timestamps.seconds((Long) v));
        else if (v instanceof Long l) o.put(k, l);
        else if (v instanceof Double d) o.put(k, d);
        else o.put(k, v.toString());
      }
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    ObjectNode meta = res.putObject("meta");
    ObjectNode types = meta.putObject("fields");
    ObjectNode units = meta.putObject("units");
    for (int i = 0; i < labels.size(); i++) {
      FieldType t = fields.get(i).type();
      types.put(labels.get(i), t.jsonName());
      if (t == FieldType.DURATION) units.put(labels.get(i), "millisecond");
      else if (t == FieldType.DATE) units.put(labels.get(i), "second");
      else units.putNull(labels.get(i));
    }
    return res;
  }
}
