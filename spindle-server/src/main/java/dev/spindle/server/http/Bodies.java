package dev.spindle.server.http;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Reads request bodies with a hard limit on the bytes read and, for compressed bodies, on the
 * bytes inflated: a gzip bomb stops at the limit with a 413 instead of being inflated.
 */
public final class Bodies {
  private Bodies() {}

  /**
   * Reads and decodes the body.
   *
   * @param encoding the {@code Content-Encoding} header, or null
   * @param limit    the maximum size, compressed and decompressed, in bytes
   */
  public static byte[] read(InputStream raw, String encoding, long limit) {
    return read(raw, encoding, limit, n -> { });
  }

  /**
   * Like {@link #read(InputStream, String, long)}, handing the size of every decoded chunk to
   * {@code charge} before keeping it (which may refuse by throwing).
   */
  public static byte[] read(InputStream raw, String encoding, long limit, LongConsumer charge) {
    String enc = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
    try {
      InputStream bounded = new LimitedInputStream(raw, limit, "request body");
      InputStream decoded;
      switch (enc) {
        case "":
        case "identity":
          decoded = bounded;
          break;
        case "gzip":
        case "x-gzip":
          decoded = new GZIPInputStream(bounded, 8192);
          break;
        case "deflate":
          decoded = deflate(bounded);
          break;
        case "zstd":
          decoded = new com.github.luben.zstd.ZstdInputStream(bounded);
          break;
        case "br":
          if (!Brotli4jLoader.isAvailable()) {
            throw new ApiException(415, "Content-Encoding br is not available on this platform"
                + " (supported here: identity, gzip, x-gzip, deflate, zstd)");
          }
          decoded = new BrotliInputStream(bounded);
          break;
        default:
          throw new ApiException(415, "unsupported Content-Encoding: " + encoding
              + " (supported: identity, gzip, x-gzip, deflate, zstd, br)");
      }
      // closed: the decoders hold native memory (zlib, zstd, brotli) until then
      try (InputStream in = decoded) {
        return readAll(in, limit, charge);
      }
    } catch (ZipException | EOFException | com.github.luben.zstd.ZstdIOException e) {
      throw ApiException.badRequest("corrupt " + enc + " body: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  /** deflate is zlib-wrapped per HTTP, but some clients send raw deflate: sniff the header. */
  private static InputStream deflate(InputStream in) throws IOException {
    java.io.PushbackInputStream p = new java.io.PushbackInputStream(in, 2);
    int b0 = p.read();
    int b1 = p.read();
    if (b1 >= 0) p.unread(b1);
    if (b0 >= 0) p.unread(b0);
    boolean zlib = b0 >= 0 && b1 >= 0 && (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
    Inflater inflater = new Inflater(!zlib);
    return new InflaterInputStream(p, inflater, 8192) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          inflater.end(); // a stream given its inflater leaves it open
        }
      }
    };
  }

  private static byte[] readAll(InputStream in, long limit, LongConsumer charge) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[8192];
    long total = 0;
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        if (e.getCause() instanceof DataFormatException) {
          throw ApiException.badRequest("corrupt compressed body: " + e.getMessage());
        }
        throw e;
      }
      if (n < 0) break;
      total += n;
      if (total > limit) {
        throw ApiException.tooLarge("decompressed body exceeds " + limit + " bytes");
      }
      charge.accept(n);
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Fails with 413 once more than {@code limit} bytes were read from the wire. */
  static final class LimitedInputStream extends java.io.FilterInputStream {
    private final long limit;
    private final String what;
    private long count;

    LimitedInputStream(InputStream in, long limit, String what) {
      super(in);
      this.limit = limit;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) check(1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) check(n);
      return n;
    }

    private void check(int n) {
      count += n;
      if (count > limit) throw ApiException.tooLarge(what + " exceeds " + limit + " bytes");
    }
  }
}
