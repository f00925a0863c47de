package dev.spindle.internal.transport;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip (RFC 1952) with one {@link Deflater} reset between payloads, where a
 * {@code GZIPOutputStream} per payload would allocate and free zlib's state (about 256 KiB of
 * native memory) and register a cleaner each time. One per sender thread; not thread-safe.
 * {@link #close()} frees the native state.
 */
final class Gzip implements AutoCloseable {
  /** Magic, deflate, no flags, no time, no extra flags, OS unknown. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int TRAILER = 8;
  /** The working buffer is kept up to this size between payloads, and shrunk back above it. */
  private static final int KEEP_BYTES = 256 * 1024;

  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  private final CRC32 crc = new CRC32();
  private byte[] buffer = new byte[8 * 1024];

  /** The gzip member of {@code data}, in a new array of its exact size. */
  byte[] compress(byte[] data) {
    deflater.reset();
    deflater.setInput(data);
    deflater.finish();
    crc.reset();
    crc.update(data, 0, data.length);
    byte[] out = buffer;
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    int n = HEADER.length;
    while (!deflater.finished()) {
      if (n == out.length) out = Arrays.copyOf(out, out.length * 2);
      n += deflater.deflate(out, n, out.length - n);
    }
    if (n + TRAILER > out.length) out = Arrays.copyOf(out, n + TRAILER);
    n = littleEndian(out, n, (int) crc.getValue());
    n = littleEndian(out, n, data.length); // ISIZE: the input length modulo 2^32
    byte[] result = Arrays.copyOf(out, n);
    buffer = out.length <= KEEP_BYTES ? out : new byte[8 * 1024];
    return result;
  }

  private static int littleEndian(byte[] out, int at, int value) {
    out[at] = (byte) value;
    out[at + 1] = (byte) (value >>> 8);
    out[at + 2] = (byte) (value >>> 16);
    out[at + 3] = (byte) (value >>> 24);
    return at + 4;
  }

  @Override
  public void close() {
    deflater.end();
  }
}
