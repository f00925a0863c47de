package dev.spindle.protocol.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes an envelope: the header line, then for each item a header line with its {@code type},
 * optional {@code content_type} and exact byte {@code length}, and the payload. The framing is
 * {@code Headers { "\n" Item }}, {@code Item = Headers "\n" Payload}, as {@link EnvelopeReader}
 * reads it. Not thread-safe.
 */
public final class EnvelopeWriter {
  private final ByteArrayOutputStream out;

  /**
   * Starts an envelope with its header, one JSON object on one line.
   *
   * @param sizeHint the expected size in bytes
   * @throws IllegalArgumentException when the header contains a line break
   */
  public EnvelopeWriter(String headerJson, int sizeHint) {
    if (headerJson.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("envelope header: contains a line break");
    }
    out = new ByteArrayOutputStream(Math.max(sizeHint, 64));
    out.writeBytes(headerJson.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends an item; {@code contentType} is nullable. */
  public EnvelopeWriter item(String type, String contentType, byte[] payload) {
    JsonWriter h = new JsonWriter(new StringBuilder(64)).beginObject().name("type").value(type);
    if (contentType != null) h.name("content_type").value(contentType);
    h.name("length").value((long) payload.length).endObject();
    out.write('\n');
    out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.writeBytes(payload);
    return this;
  }

  /** The envelope written so far. */
  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
