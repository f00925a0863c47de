package dev.spindle.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The server's one JSON mapper, for reading payloads and writing responses: nesting depth and
 * string sizes bounded, so hostile input is an {@link InvalidJsonException} (a 400 at the edge).
 */
public final class Json {
  /** Deeper JSON than this is refused (Sentry payloads are far shallower). */
  public static final int MAX_DEPTH = 200;

  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(20_000_000)
          .maxNumberLength(1000)
          .build())
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build());

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Parses JSON.
   *
   * @throws InvalidJsonException for every parse problem (syntax, depth, size), naming {@code what}
   */
  public static JsonNode parse(byte[] bytes, int offset, int length, String what) {
    try {
      JsonNode n = MAPPER.readTree(bytes, offset, length);
      if (n == null || n.isMissingNode()) throw empty(what);
      return n;
    } catch (IOException e) {
      throw invalid(what, e);
    } catch (StackOverflowError e) {
      throw new InvalidJsonException(what + ": JSON nested too deeply");
    }
  }

  /** A streaming parser over {@code [offset, offset + length)}, with the limits of {@link #MAPPER}. */
  public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
    return MAPPER.createParser(bytes, offset, length);
  }

  /** The refusal of input {@code what} that holds no JSON value. */
  public static InvalidJsonException empty(String what) {
    return new InvalidJsonException(what + ": empty JSON");
  }

  /** The refusal of input {@code what} that a parser failed on with {@code e}. */
  public static InvalidJsonException invalid(String what, IOException e) {
    if (e instanceof JsonProcessingException j) {
      return new InvalidJsonException(what + ": invalid JSON: " + j.getOriginalMessage());
    }
    return new InvalidJsonException(what + ": unreadable JSON: " + e.getMessage());
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text of a scalar field, or null when absent, null or not a scalar. */
  public static String str(JsonNode n, String field) {
    if (n == null) return null;
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) return null;
    return v.asText();
  }
}
