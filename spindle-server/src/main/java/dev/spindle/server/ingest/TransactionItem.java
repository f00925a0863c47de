package dev.spindle.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a {@code transaction} item that its rows take, read by a streaming parser without
 * a tree: an item is parsed once, and its spans' {@code data} objects are kept as byte ranges of
 * the payload, copied into the rows as they are unless PII scrubbing would change them (then, and
 * only then, that object is read as a tree and scrubbed). What is read is what Jackson's tree
 * gives: the last of repeated keys wins, scalars read as text as {@link Json#str} reads them, and
 * a syntax error anywhere in the item refuses it before any field is looked at.
 */
final class TransactionItem {
  /** How refusals of the item's JSON name it. */
  static final String WHAT = "item 'transaction'";
  private static final String SAMPLE_RATE = "sentry.sample_rate";

  /** A JSON object of the payload, bytes {@code [from, to)} of the envelope. */
  record Raw(int from, int to, boolean needsScrubbing) {}

  /** The fields of {@code contexts.trace} or of one of the {@code spans}. */
  static final class Span {
    /** False for a span that is not a JSON object (then no field was read). */
    boolean object = true;
    String traceId;
    String spanId;
    String parentSpanId;
    String op;
    String description;
    String status;
    String origin;
    Long startUs;
    Long endUs;
    Map<String, String> tags = Map.of();
    Raw data;
    /** {@code contexts.trace.data}'s {@code sentry.sample_rate} when it is a number, else NaN. */
    double sampleRate = Double.NaN;
  }

  private final byte[] bytes;
  private final boolean scrub;
  /** What turns the parser's byte offsets into indexes of {@link #bytes}. */
  private int base;
  String eventId;
  String name;
  String source;
  String release;
  String environment;
  String platform;
  String user;
  Long startUs;
  Long endUs;
  Map<String, String> tags = Map.of();
  Span trace = new Span();
  Raw measurements;
  List<Span> spans = List.of();

  private TransactionItem(byte[] bytes, boolean scrub) {
    this.bytes = bytes;
    this.scrub = scrub;
  }

  /**
   * Reads the item {@code [offset, offset + length)} of {@code bytes}; {@code scrub} says whether
   * the rows will be scrubbed (so whether the data objects must be checked).
   *
   * @throws dev.spindle.server.json.InvalidJsonException when it is not JSON (400)
   * @throws IngestException when it is JSON but not an object (400)
   */
  static TransactionItem read(byte[] bytes, int offset, int length, boolean scrub) {
    TransactionItem t = new TransactionItem(bytes, scrub);
    try (JsonParser p = Json.parser(bytes, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) throw Json.empty(WHAT);
      if (first != JsonToken.START_OBJECT) {
        p.skipChildren(); // a syntax error inside is refused as such, as the tree did
        throw IngestException.malformed("transaction: expected a JSON object");
      }
      // The first '{' is the item's (only whitespace or a byte order mark may come before it).
      int brace = offset;
      while (bytes[brace] != '{') brace++;
      t.base = brace - (int) (p.currentLocation().getByteOffset() - 1);
      t.readRoot(p);
    } catch (IOException e) {
      throw Json.invalid(WHAT, e);
    }
    return t;
  }

  /** Appends the object {@code raw} as JSON: its bytes as sent, or scrubbed when they need it. */
  void append(StringBuilder b, Raw raw) {
    if (raw.needsScrubbing()) {
      JsonNode tree = Json.parse(bytes, raw.from(), raw.to() - raw.from(), WHAT);
      b.append(Json.text(Scrubber.scrubTree(tree)));
    } else {
      b.append(new String(bytes, raw.from(), raw.to() - raw.from(), StandardCharsets.UTF_8));
    }
  }

  private void readRoot(JsonParser p) throws IOException {
    for (String f; (f = p.nextFieldName()) != null; ) {
      JsonToken v = p.nextToken();
      switch (f) {
        case "event_id" -> eventId = text(p, v);
        case "transaction" -> name = text(p, v);
        case "transaction_info" -> source = Json.str(tree(p), "source");
        case "start_timestamp" -> startUs = micros(p, v);
        case "timestamp" -> endUs = micros(p, v);
        case "tags" -> tags = tags(p, v);
        case "release" -> release = text(p, v);
        case "environment" -> environment = text(p, v);
        case "platform" -> platform = text(p, v);
        case "user" -> user = SentryMapper.user(tree(p));
        case "contexts" -> contexts(p, v);
        case "measurements" -> measurements = raw(p, v, null);
        case "spans" -> spans = spans(p, v);
        default -> p.skipChildren();
      }
    }
  }

  private void contexts(JsonParser p, JsonToken v) throws IOException {
    trace = new Span(); // a repeated "contexts" replaces the first, trace and all
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    for (String f; (f = p.nextFieldName()) != null; ) {
      JsonToken c = p.nextToken();
      if (f.equals("trace")) trace = span(p, c, false);
      else p.skipChildren();
    }
  }

  private List<Span> spans(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<Span> out = new ArrayList<>();
    for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY && e != null; ) out.add(span(p, e, true));
    return out;
  }

  /** A child span ({@code child}: with times and tags) or {@code contexts.trace} (with the sample rate). */
  private Span span(JsonParser p, JsonToken v, boolean child) throws IOException {
    Span s = new Span();
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      s.object = false;
      return s;
    }
    for (String f; (f = p.nextFieldName()) != null; ) {
      JsonToken t = p.nextToken();
      switch (f) {
        case "trace_id" -> s.traceId = text(p, t);
        case "span_id" -> s.spanId = text(p, t);
        case "parent_span_id" -> s.parentSpanId = text(p, t);
        case "op" -> s.op = text(p, t);
        case "description" -> s.description = text(p, t);
        case "status" -> s.status = text(p, t);
        case "origin" -> s.origin = text(p, t);
        case "data" -> {
          s.sampleRate = Double.NaN;
          s.data = raw(p, t, child ? null : s);
        }
        case "start_timestamp" -> s.startUs = child ? micros(p, t) : skip(p);
        case "timestamp" -> s.endUs = child ? micros(p, t) : skip(p);
        case "tags" -> {
          if (child) s.tags = tags(p, t);
          else p.skipChildren();
        }
        default -> p.skipChildren();
      }
    }
    return s;
  }

  /** The object at the parser as a range of the payload (null for another value), read to its end. */
  private Raw raw(JsonParser p, JsonToken v, Span rateInto) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    // The parser stands just after the '{' (it reads no further ahead for a structural token).
    int from = base + (int) p.currentLocation().getByteOffset() - 1;
    boolean changes = scanObject(p, rateInto);
    return new Raw(from, base + (int) p.currentLocation().getByteOffset(), changes);
  }

  /**
   * Reads the object at the parser to its end: true when scrubbing is on and
   * {@link Scrubber#scrubTree} would change it (a sensitive key with a value, a string it would
   * scrub, an array starting with a sensitive key, which may be a filtered {@code [key, value]}
   * pair). Records the top level's sample rate into {@code rateInto} when given.
   */
  private boolean scanObject(JsonParser p, Span rateInto) throws IOException {
    if (!scrub && rateInto == null) {
      p.skipChildren();
      return false;
    }
    boolean changes = false;
    for (String f; (f = p.nextFieldName()) != null; ) {
      JsonToken v = p.nextToken();
      if (rateInto != null && f.equals(SAMPLE_RATE)) {
        rateInto.sampleRate = v.isNumeric() ? p.getDoubleValue() : Double.NaN;
      }
      if (changes || !scrub) {
        p.skipChildren();
      } else if (Scrubber.sensitiveKey(f)) {
        changes = v != JsonToken.VALUE_NULL;
        p.skipChildren();
      } else {
        changes = scanValue(p, v);
      }
    }
    return changes;
  }

  private boolean scanArray(JsonParser p) throws IOException {
    boolean changes = false;
    boolean first = true;
    for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY && e != null; first = false) {
      if (changes) p.skipChildren();
      else if (first && e == JsonToken.VALUE_STRING && Scrubber.sensitiveKey(p.getText())) changes = true;
      else changes = scanValue(p, e);
    }
    return changes;
  }

  private boolean scanValue(JsonParser p, JsonToken v) throws IOException {
    return switch (v) {
      case START_OBJECT -> scanObject(p, null);
      case START_ARRAY -> scanArray(p);
      case VALUE_STRING -> {
        String s = p.getText();
        yield !Scrubber.scrubText(s).equals(s);
      }
      default -> false;
    };
  }

  /** The value as {@link Json#str} reads it from a tree: scalars as text, null for null and containers. */
  private static String text(JsonParser p, JsonToken v) throws IOException {
    return switch (v) {
      case VALUE_STRING -> p.getText();
      case VALUE_NULL -> null;
      case START_OBJECT, START_ARRAY -> skip(p);
      default -> tree(p).asText(); // numbers and booleans, written as the tree writes them
    };
  }

  private static Long micros(JsonParser p, JsonToken v) throws IOException {
    return switch (v) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Timestamps.micros(p.getDoubleValue());
      case VALUE_STRING -> Timestamps.micros(p.getText());
      default -> skip(p);
    };
  }

  /** Tags as {@link SentryMapper#tags(JsonNode)} reads them (a list of pairs, rare, through a tree). */
  private static Map<String, String> tags(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.START_ARRAY) return SentryMapper.tags(tree(p));
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return Map.of();
    }
    Map<String, String> out = null;
    for (String f; (f = p.nextFieldName()) != null; ) {
      String value = text(p, p.nextToken());
      if (out == null) out = new LinkedHashMap<>();
      if (value == null) out.remove(f); // the last value of a key counts, also when it is not a scalar
      else out.put(f, value);
    }
    return out == null ? Map.of() : out;
  }

  /** The value at the parser as a tree, for the rare and small parts read that way. */
  private static JsonNode tree(JsonParser p) throws IOException {
    return Json.MAPPER.readTree(p);
  }

  /** Skips the value at the parser; null. */
  private static <T> T skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }
}
