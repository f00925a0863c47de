package dev.spindle.protocol.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an envelope: the header line, then for each item a header line with its {@code type},
 * optional {@code content_type} and exact byte {@code length}, and the payload. The framing is
 * {@code Headers { "\n" Item }}, {@code Item = Headers "\n" Payload}, as {@link EnvelopeReader}
 * reads it. The parts are kept by reference and copied once, into an array of the envelope's
 * exact size. Not thread-safe.
 */
public final class EnvelopeWriter {
  private final byte[] header;
  /** Item header, payload, item header, payload, ... */
  private final List<byte[]> parts = new ArrayList<>(4);
  private int size;

  /**
   * Starts an envelope with its header, one JSON object on one line.
   *
   * @throws IllegalArgumentException when the header contains a line break
   */
  public EnvelopeWriter(String headerJson) {
    if (headerJson.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("envelope header: contains a line break");
    }
    header = headerJson.getBytes(StandardCharsets.UTF_8);
    size = header.length;
  }

  /** Appends an item; {@code contentType} is nullable. The payload is not copied until written. */
  public EnvelopeWriter item(String type, String contentType, byte[] payload) {
    int hint = 40 + type.length() + (contentType == null ? 0 : 20 + contentType.length());
    JsonWriter h = new JsonWriter(new StringBuilder(hint)).beginObject().name("type").value(type);
    if (contentType != null) h.name("content_type").value(contentType);
    h.name("length").value((long) payload.length).endObject();
    byte[] itemHeader = h.toString().getBytes(StandardCharsets.UTF_8);
    parts.add(itemHeader);
    parts.add(payload);
    size = Math.addExact(size, 2 + itemHeader.length + payload.length);
    return this;
  }

  /** The envelope written so far. */
  public byte[] toByteArray() {
    byte[] out = new byte[size];
    System.arraycopy(header, 0, out, 0, header.length);
    int at = header.length;
    for (int i = 0; i < parts.size(); i += 2) {
      out[at++] = '\n';
      byte[] itemHeader = parts.get(i);
      System.arraycopy(itemHeader, 0, out, at, itemHeader.length);
      at += itemHeader.length;
      out[at++] = '\n';
      byte[] payload = parts.get(i + 1);
      System.arraycopy(payload, 0, out, at, payload.length);
      at += payload.length;
    }
    return out;
  }
}
