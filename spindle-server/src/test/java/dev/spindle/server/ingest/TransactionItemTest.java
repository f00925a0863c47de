package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.server.json.InvalidJsonException;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.SpanRow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming transaction mapper ({@link TransactionItem}) against the tree mapper it replaced
 * (kept here as the reference): the same rows, outcomes and refusals for generated items, and
 * the data objects copied as sent unless scrubbing changes them.
 */
class TransactionItemTest {
  /** A context that gives only the rate the tree mapper below is given (no fingerprint, no change). */
  private static final EnvelopeDsc RATE_ONLY = new EnvelopeDsc(0.5, false, false, null);

  private static final long NOW = 1_700_000_000_000_000L;
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void dataObjectsAreCopiedAsSentFromWithinTheEnvelope() {
    String item = "{\"event_id\":\"" + "1".repeat(32) + "\",\"start_timestamp\":1700000000,\"timestamp\":1700000001,"
        + "\"spans\":[{\"span_id\":\"00000000000000ab\",\"start_timestamp\":1700000000,\"timestamp\":1700000001,"
        + "\"origin\":\"manual\",\"data\":{ \"thread.name\" : \"main\", \"n\": 1.50, \"s\":\"\\u00e9\" }}],"
        + "\"contexts\":{\"trace\":{\"trace_id\":\"" + TRACE + "\",\"span_id\":\"00f067aa0ba902b7\","
        + "\"data\":{\"sentry.sample_rate\":0.25},\"origin\":\"auto.http\"}},\"measurements\":{\"lcp\":{\"value\":1}}}";
    for (String before : new String[] {"", " \r\n\t", "\uFEFF"}) { // whitespace, a byte order mark
      boolean scrub = before.isEmpty();
      SentryMapper m = new SentryMapper(1, scrub, NOW, TransactionNames.FIXED);
      byte[] envelope = ("{}\n{\"type\":\"transaction\"}\n" + before + item + "\n").getBytes(StandardCharsets.UTF_8);
      int offset = "{}\n{\"type\":\"transaction\"}\n".length();
      m.transaction(envelope, offset, utf8(before + item).length, null, EnvelopeDsc.NONE);
      assertEquals("{\"data\":{\"sentry.sample_rate\":0.25},\"measurements\":{\"lcp\":{\"value\":1}},"
          + "\"origin\":\"auto.http\"}", m.spans.get(0).dataJson());
      assertEquals(0.25, m.spans.get(0).sampleRate());
      assertEquals("{\"data\":{ \"thread.name\" : \"main\", \"n\": 1.50, \"s\":\"\\u00e9\" },\"origin\":\"manual\"}",
          m.spans.get(1).dataJson());
    }
  }

  @Test
  void dataObjectsAreScrubbedWhenScrubbingChangesThem() {
    String[][] cases = {
        {"{\"password\":\"p\",\"a\":1}", "{\"password\":\"[Filtered]\",\"a\":1}"},
        {"{\"h\":[[\"Cookie\",\"x\"],[\"Accept\",\"*/*\"]]}", "{\"h\":[[\"Cookie\",\"[Filtered]\"],[\"Accept\",\"*/*\"]]}"},
        {"{\"q\":{\"auth\":{\"x\":1}}}", "{\"q\":{\"auth\":\"[Filtered]\"}}"},
        {"{\"l\":[\"Bearer abc\", 2]}", "{\"l\":[\"Bearer [Filtered]\",2]}"},
        {"{\"token\":null, \"l\":[\"token\"]}", "{\"token\":null,\"l\":[\"token\"]}"}, // flagged, unchanged
        {"{\"token\" : null}", "{\"token\" : null}"}, // nothing to change: as sent
    };
    for (String[] c : cases) {
      SentryMapper m = new SentryMapper(1, true, NOW, TransactionNames.FIXED);
      ProcessingTest.transaction(m, transaction("\"data\":" + c[0]));
      assertEquals("{\"data\":" + c[1] + "}", m.spans.get(1).dataJson(), c[0]);
    }
  }

  @Test
  void agreesWithTheTreeMapperOnGeneratedItems() {
    Random rnd = new Random(16);
    int accepted = 0;
    for (int i = 0; i < 3_000; i++) {
      String item = generated(rnd);
      for (boolean scrub : new boolean[] {false, true}) {
        SentryMapper streaming = new SentryMapper(7, scrub, NOW, TransactionNames.FIXED);
        TreeReference tree = new TreeReference(7, scrub, NOW);
        String expected;
        try {
          expected = "id " + tree.transaction(Json.parse(utf8(item), 0, utf8(item).length, TransactionItem.WHAT), "a".repeat(32), 0.5);
        } catch (IngestException | InvalidJsonException e) {
          expected = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        String actual;
        try {
          actual = "id " + streaming.transaction(utf8(item), 0, utf8(item).length, "a".repeat(32), RATE_ONLY);
        } catch (IngestException | InvalidJsonException e) {
          actual = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        assertEquals(expected, actual, item);
        if (actual.startsWith("id ")) accepted++;
        streaming.finish();
        assertEquals(comparable(tree.spans), comparable(streaming.spans), item);
        assertEquals(tree.reports(), streaming.reports, item);
      }
    }
    assertTrue(accepted > 1_000, accepted + " of 6,000 mappings accepted: the items should mostly be valid");
  }

  @Test
  void refusalsAreTheTreeMappersOnes() {
    String[] items = {"", "  ", "[1,2]", "5", "\"x\"", "{\"a\":", "{\"spans\":[{]}", "[" + "[".repeat(300) + "]".repeat(301),
        "{\"event_id\":\"zz\"}", "{} trailing", "{\"event_id\":\"" + "1".repeat(32) + "\"}"};
    for (String item : items) {
      String expected;
      try {
        new TreeReference(1, true, NOW).transaction(Json.parse(utf8(item), 0, utf8(item).length, TransactionItem.WHAT), null, 1);
        expected = "accepted";
      } catch (IngestException | InvalidJsonException e) {
        expected = e.getMessage();
      }
      String actual;
      try {
        new SentryMapper(1, true, NOW, TransactionNames.FIXED).transaction(utf8(item), 0, utf8(item).length, null, EnvelopeDsc.NONE);
        actual = "accepted";
      } catch (IngestException | InvalidJsonException e) {
        actual = e.getMessage();
      }
      assertEquals(expected, actual, item);
    }
  }

  private static String transaction(String childFields) {
    return "{\"event_id\":\"" + "1".repeat(32) + "\",\"start_timestamp\":1700000000,\"timestamp\":1700000001,"
        + "\"contexts\":{\"trace\":{\"trace_id\":\"" + TRACE + "\",\"span_id\":\"00f067aa0ba902b7\"}},"
        + "\"spans\":[{\"span_id\":\"00000000000000ab\",\"start_timestamp\":1700000000,\"timestamp\":1700000001,"
        + childFields + "}]}";
  }

  /** Rows with their data JSON as trees: the streaming mapper keeps the bytes as sent, the tree rewrote them. */
  private static List<Object> comparable(List<SpanRow> rows) {
    List<Object> out = new ArrayList<>();
    for (SpanRow r : rows) {
      JsonNode data = r.dataJson() == null ? null : Json.parse(utf8(r.dataJson()), 0, utf8(r.dataJson()).length, "data");
      out.add(List.of(r.toBuilder().dataJson(null).build(), String.valueOf(data)));
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // Parts of generated items: valid and invalid values, repeated keys, every JSON type.
  private static final String[] IDS = {"\"" + TRACE + "\"", "\"" + TRACE.toUpperCase() + "\"", "\"00f067aa0ba902b7\"",
      "\"00F067AA0BA902B7\"", "\"0000000000000000\"", "\"zz\"", "null", "5", "{}", "\"9ec79c33-ec99-42ab-8353-589fcb2e04dc\""};
  private static final String[] SCALARS = {"\"GET /users/12345\"", "\"ok\"", "\"Error\"", "1", "2.50", "-0", "1e3",
      "true", "null", "\"\"", "[1]", "{\"a\":1}", "\"Bearer abc.def\"", "\"4111 1111 1111 1111\"", "\"a\\nb\\\"c\"",
      "12345678901234567890", "\"é\"", "\"{{auto}}\""};
  private static final String[] TIMES = {"1700000000", "1700000000.5", "1700000001.25", "\"2023-11-14T22:13:20Z\"",
      "\"2023-11-14T22:13:21.5\"", "\"1700000000\"", "\"yesterday\"", "-1", "null", "{}", "1e300", "1600000000"};
  private static final String[] OBJECTS = {"{}", "{\"thread.name\":\"main\",\"n\":1.0}", "{\"password\":\"p\"}",
      "{\"h\":[[\"Cookie\",\"x\"]]}", "{\"sentry.sample_rate\":0.25}", "{\"sentry.sample_rate\":\"0.5\"}",
      "{\"sentry.sample_rate\":2}", "{\"l\":[\"Bearer x\",{\"token\":null}],\"s\":\"ssn 078-05-1120\"}",
      "{ \"a\" : [ 1 , 2 ] }", "[1]", "\"x\"", "null", "{\"a\":1,\"a\":2}"};
  private static final String[] TAGS = {"{}", "{\"service.name\":\"api\",\"n\":5,\"b\":true}", "{\"x\":null,\"y\":{}}",
      "[[\"service.name\",\"web\"],[\"k\",null],[\"a\",1,2],[{},\"v\"]]", "{\"api_key\":\"secret\",\"u\":\"Bearer t\"}",
      "\"tags\"", "{\"a\":1,\"a\":null}", "{\"a\":null,\"a\":1}"};

  private static String generated(Random rnd) {
    StringBuilder b = new StringBuilder("{");
    List<String> fields = new ArrayList<>();
    if (rnd.nextInt(10) > 0) fields.add("\"event_id\":" + pick(rnd, IDS, "\"" + "ab".repeat(16) + "\""));
    if (rnd.nextInt(10) > 0) fields.add("\"start_timestamp\":" + pick(rnd, TIMES, "1700000000"));
    if (rnd.nextInt(10) > 0) fields.add("\"timestamp\":" + pick(rnd, TIMES, "1700000002"));
    if (rnd.nextBoolean()) fields.add("\"transaction\":" + pick(rnd, SCALARS, "\"GET /users/12345\""));
    if (rnd.nextBoolean()) fields.add("\"transaction_info\":" + pick(rnd, new String[] {"{\"source\":\"route\"}", "\"url\"", "null"}, "{\"source\":\"url\"}"));
    for (String f : new String[] {"release", "environment", "platform"}) {
      if (rnd.nextBoolean()) fields.add("\"" + f + "\":" + pick(rnd, SCALARS, "\"x\""));
    }
    if (rnd.nextBoolean()) fields.add("\"user\":" + pick(rnd, new String[] {"{\"id\":\"{{auto}}\",\"email\":\"a@b\"}", "{\"ip_address\":\"1.2.3.4\"}", "\"u\"", "{\"id\":5}"}, "{\"id\":\"u1\"}"));
    if (rnd.nextBoolean()) fields.add("\"tags\":" + pick(rnd, TAGS, "{\"service.name\":\"api\"}"));
    if (rnd.nextBoolean()) fields.add("\"measurements\":" + pick(rnd, OBJECTS, "{\"lcp\":{\"value\":1}}"));
    if (rnd.nextInt(10) > 0) fields.add("\"contexts\":" + contexts(rnd));
    if (rnd.nextInt(4) > 0) fields.add("\"spans\":" + spans(rnd));
    if (rnd.nextInt(8) == 0) fields.add("\"contexts\":" + contexts(rnd)); // repeated: the last counts
    if (rnd.nextInt(8) == 0) fields.add("\"sdk\":{\"name\":\"sentry.java\",\"spans\":[1]}");
    java.util.Collections.shuffle(fields, rnd);
    return b.append(String.join(",", fields)).append('}').toString();
  }

  private static String contexts(Random rnd) {
    if (rnd.nextInt(20) == 0) return pick(rnd, new String[] {"null", "[]", "{\"trace\":5}"}, "{}");
    List<String> f = new ArrayList<>();
    if (rnd.nextInt(10) > 0) f.add("\"trace_id\":" + pick(rnd, IDS, "\"" + TRACE + "\""));
    if (rnd.nextInt(10) > 0) f.add("\"span_id\":" + pick(rnd, IDS, "\"00f067aa0ba902b7\""));
    span(rnd, f);
    if (rnd.nextInt(4) == 0) f.add("\"tags\":{\"ignored\":\"yes\"}");
    if (rnd.nextInt(4) == 0) f.add("\"start_timestamp\":1");
    java.util.Collections.shuffle(f, rnd);
    return "{\"runtime\":{\"name\":\"OpenJDK\"},\"trace\":{" + String.join(",", f) + "}}";
  }

  private static String spans(Random rnd) {
    if (rnd.nextInt(20) == 0) return pick(rnd, new String[] {"null", "{}", "\"spans\""}, "[]");
    List<String> spans = new ArrayList<>();
    for (int i = rnd.nextInt(6); i > 0; i--) {
      if (rnd.nextInt(15) == 0) {
        spans.add(pick(rnd, new String[] {"1", "null", "[]", "\"s\""}, "{}"));
        continue;
      }
      List<String> f = new ArrayList<>();
      if (rnd.nextInt(10) > 0) f.add("\"span_id\":" + pick(rnd, IDS, "\"00000000000000" + Integer.toHexString(16 + rnd.nextInt(200)) + "\""));
      if (rnd.nextInt(3) == 0) f.add("\"trace_id\":" + pick(rnd, IDS, "\"" + TRACE + "\""));
      if (rnd.nextInt(10) > 0) f.add("\"start_timestamp\":" + pick(rnd, TIMES, "1700000000.5"));
      if (rnd.nextInt(10) > 0) f.add("\"timestamp\":" + pick(rnd, TIMES, "1700000001"));
      if (rnd.nextInt(3) == 0) f.add("\"tags\":" + pick(rnd, TAGS, "{\"k\":\"v\"}"));
      span(rnd, f);
      java.util.Collections.shuffle(f, rnd);
      spans.add("{" + String.join(",", f) + "}");
    }
    return "[" + String.join(",", spans) + "]";
  }

  /** The fields contexts.trace and child spans share. */
  private static void span(Random rnd, List<String> f) {
    if (rnd.nextBoolean()) f.add("\"parent_span_id\":" + pick(rnd, IDS, "\"00f067aa0ba902b7\""));
    for (String k : new String[] {"op", "description", "status", "origin"}) {
      if (rnd.nextBoolean()) f.add("\"" + k + "\":" + pick(rnd, SCALARS, "\"db.sql\""));
    }
    if (rnd.nextBoolean()) f.add("\"data\":" + pick(rnd, OBJECTS, "{\"thread.id\":\"40\"}"));
    if (rnd.nextInt(10) == 0) f.add("\"data\":" + pick(rnd, OBJECTS, "{}")); // repeated
  }

  /** One of {@code odd} (a third of the time) or the usual value. */
  private static String pick(Random rnd, String[] odd, String usual) {
    return rnd.nextInt(3) == 0 ? odd[rnd.nextInt(odd.length)] : usual;
  }

  /** The tree mapper the streaming one replaced, unchanged: the reference it must agree with. */
  private static final class TreeReference {
    final List<SpanRow> spans = new ArrayList<>();
    private final long projectId;
    private final boolean scrub;
    private final long nowUs;
    private final Map<String, Long> dropped = new LinkedHashMap<>();

    TreeReference(long projectId, boolean scrub, long nowUs) {
      this.projectId = projectId;
      this.scrub = scrub;
      this.nowUs = nowUs;
    }

    /** The outcomes of the dropped spans, as {@link SentryMapper#finish} reports them. */
    List<ClientReportRow> reports() {
      List<ClientReportRow> out = new ArrayList<>();
      dropped.forEach((reason, n) -> out.add(new ClientReportRow(projectId, nowUs, reason, "span", n)));
      return out;
    }

    private void drop(String reason) {
      dropped.merge(reason, 1L, Long::sum);
    }

    String transaction(JsonNode t, String envelopeEventId, double dscSampleRate) {
      if (!t.isObject()) throw IngestException.malformed("transaction: expected a JSON object");
      String eventId = Ids.eventId(Json.str(t, "event_id"));
      if (eventId == null) eventId = Ids.eventId(envelopeEventId);
      if (eventId == null) throw IngestException.malformed("transaction: missing or invalid event_id");
      JsonNode trace = t.path("contexts").path("trace");
      String traceId = Ids.traceId(Json.str(trace, "trace_id"));
      String spanId = Ids.spanId(Json.str(trace, "span_id"));
      if (traceId == null) {
        throw IngestException.malformed("transaction: invalid contexts.trace.trace_id '" + Json.str(trace, "trace_id") + "'");
      }
      if (spanId == null) {
        throw IngestException.malformed("transaction: invalid contexts.trace.span_id '" + Json.str(trace, "span_id") + "'");
      }
      String parent = Ids.spanId(Json.str(trace, "parent_span_id"));
      Long start = Timestamps.micros(t.get("start_timestamp"));
      Long end = Timestamps.micros(t.get("timestamp"));
      if (start == null) throw IngestException.malformed("transaction: missing or invalid start_timestamp");
      if (end == null) throw IngestException.malformed("transaction: missing or invalid timestamp");
      if (start > end) throw IngestException.malformed("transaction: start_timestamp is after timestamp");
      String untimely = TimeWindow.refusal(start, end, nowUs);
      if (untimely != null) throw IngestException.malformed("transaction: " + untimely);

      TransactionNames.Named named = TransactionNames.FIXED.name(Json.str(t, "transaction"),
          Json.str(t.path("transaction_info"), "source"));
      Map<String, String> tags = SentryMapper.tags(t.get("tags"));
      String service = tags.getOrDefault("service.name", null);
      JsonNode r = trace.path("data").get("sentry.sample_rate");
      double sampleRate = SentryMapper.validRate(r != null && r.isNumber() ? r.asDouble() : dscSampleRate);

      ObjectNode rootData = Json.object();
      JsonNode traceData = trace.get("data");
      if (traceData != null && traceData.isObject()) rootData.set("data", traceData);
      JsonNode measurements = t.get("measurements");
      if (measurements != null && measurements.isObject()) rootData.set("measurements", measurements);
      String origin = Json.str(trace, "origin");
      if (origin != null) rootData.put("origin", origin);

      SpanRow root = SpanRow.builder().projectId(projectId).traceId(traceId).spanId(spanId)
          .parentSpanId(parent).segmentId(eventId).segment(true).transaction(named.name())
          .transactionSource(named.source()).op(Json.str(trace, "op"))
          .description(text(Json.str(trace, "description")))
          .status(SentryMapper.status(Json.str(trace, "status"))).startUs(start).endUs(end)
          .tags(scrub ? Scrubber.scrubTags(tags) : tags).dataJson(data(rootData))
          .release(Json.str(t, "release")).environment(Json.str(t, "environment"))
          .user(SentryMapper.user(t.get("user"))).sampleRate(sampleRate)
          .service(service).platform(Json.str(t, "platform")).build();
      spans.add(root);

      JsonNode children = t.get("spans");
      if (children != null && children.isArray()) {
        for (JsonNode s : children) {
          SpanRow row = childSpan(s, root);
          if (row != null) spans.add(row);
        }
      }
      return eventId;
    }

    private SpanRow childSpan(JsonNode s, SpanRow root) {
      if (!s.isObject()) {
        drop("invalid_span");
        return null;
      }
      String spanId = Ids.spanId(Json.str(s, "span_id"));
      String traceId = Json.str(s, "trace_id");
      if (spanId == null || traceId != null && !root.traceId().equals(Ids.traceId(traceId))) {
        drop("invalid_id");
        return null;
      }
      String parent = Ids.spanId(Json.str(s, "parent_span_id"));
      Long start = Timestamps.micros(s.get("start_timestamp"));
      Long end = Timestamps.micros(s.get("timestamp"));
      if (start == null || end == null || start > end) {
        drop("invalid_timestamps");
        return null;
      }
      if (!TimeWindow.accepts(start, end, nowUs)) {
        drop(TimeWindow.OUTCOME);
        return null;
      }
      ObjectNode data = Json.object();
      JsonNode d = s.get("data");
      if (d != null && d.isObject()) data.set("data", d);
      String origin = Json.str(s, "origin");
      if (origin != null) data.put("origin", origin);
      Map<String, String> tags = SentryMapper.tags(s.get("tags"));
      return new SpanRow(root.projectId(), root.traceId(), spanId,
          parent == null ? root.spanId() : parent, root.segmentId(), false, root.transaction(),
          root.transactionSource(), root.transactionOp(), Json.str(s, "op"),
          text(Json.str(s, "description")), SentryMapper.status(Json.str(s, "status")), start, end,
          scrub ? Scrubber.scrubTags(tags) : tags, data(data), root.release(), root.environment(),
          root.user(), root.sampleRate(), root.service(), root.platform());
    }

    private String data(ObjectNode data) {
      if (data.isEmpty()) return null;
      if (scrub) Scrubber.scrubTree(data);
      return Json.text(data);
    }

    private String text(String s) {
      return scrub ? Scrubber.scrubText(s) : s;
    }
  }
}
