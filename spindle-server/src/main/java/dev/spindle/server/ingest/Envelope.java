package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Sentry envelope: {@code Headers { "\n" Item } [ "\n" ]}, each item a header line and a
 * payload of {@code length} bytes (or up to the next newline when there is no length).
 */
final class Envelope {
  final ObjectNode headers;
  final List<Item> items;

  private Envelope(ObjectNode headers, List<Item> items) {
    this.headers = headers;
    this.items = items;
  }

  /** One item: its header object and its payload bytes (a slice of the body). */
  static final class Item {
    final ObjectNode headers;
    final String type;
    final byte[] body;
    final int offset;
    final int length;

    Item(ObjectNode headers, String type, byte[] body, int offset, int length) {
      this.headers = headers;
      this.type = type;
      this.body = body;
      this.offset = offset;
      this.length = length;
    }

    JsonNode json() {
      return Json.parse(body, offset, length, "item '" + type + "'");
    }
  }

  /** Parses the envelope, refusing (400) malformed framing and (413) items over {@code maxItemBytes}. */
  static Envelope parse(byte[] b, long maxItemBytes, int maxItems) {
    int pos = 0;
    int eol = lineEnd(b, pos);
    if (eol == pos) throw IngestException.malformed("envelope: empty or missing header line");
    JsonNode h = Json.parse(b, pos, eol - pos, "envelope header");
    if (!h.isObject()) throw IngestException.malformed("envelope header: expected a JSON object");
    pos = Math.min(b.length, eol + 1);
    List<Item> items = new ArrayList<>();
    while (pos < b.length) {
      int hEnd = lineEnd(b, pos);
      if (isBlank(b, pos, hEnd)) {
        pos = hEnd + 1;
        continue;
      }
      JsonNode ih = Json.parse(b, pos, hEnd - pos, "item header #" + (items.size() + 1));
      if (!ih.isObject()) throw IngestException.malformed("item header #" + (items.size() + 1) + ": expected a JSON object");
      String type = Json.str(ih, "type");
      if (type == null || type.isEmpty()) {
        throw IngestException.malformed("item header #" + (items.size() + 1) + ": missing 'type'");
      }
      int start = Math.min(b.length, hEnd + 1);
      int end;
      JsonNode len = ih.get("length");
      if (len != null && !len.isNull()) {
        if (!len.canConvertToLong() || len.asLong() < 0) {
          throw IngestException.malformed("item '" + type + "': invalid length " + len);
        }
        long l = len.asLong();
        if (l > maxItemBytes) {
          throw IngestException.tooLarge("item '" + type + "' is " + l + " bytes (limit " + maxItemBytes + ")");
        }
        if (start + l > b.length) {
          throw IngestException.malformed("item '" + type + "': length " + l + " runs past the end of the envelope ("
              + (b.length - start) + " bytes left)");
        }
        end = (int) (start + l);
        pos = end;
        if (pos < b.length) {
          if (b[pos] != '\n') {
            throw IngestException.malformed("item '" + type + "': payload is longer than its length " + l);
          }
          pos++;
        }
      } else {
        end = lineEnd(b, start);
        pos = end + 1;
      }
      if (end - start > maxItemBytes) {
        throw IngestException.tooLarge("item '" + type + "' is " + (end - start) + " bytes (limit " + maxItemBytes + ")");
      }
      if (items.size() >= maxItems) throw IngestException.tooLarge("envelope has more than " + maxItems + " items");
      items.add(new Item((ObjectNode) ih, type, b, start, end - start));
    }
    return new Envelope((ObjectNode) h, items);
  }

  private static int lineEnd(byte[] b, int from) {
    for (int i = from; i < b.length; i++) if (b[i] == '\n') return i;
    return b.length;
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\r' && b[i] != '\t') return false;
    }
    return true;
  }
}
