package dev.spindle.springbench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 client on one kept-alive loopback connection that sends a fixed request and reads
 * the response through (status, headers, a {@code Content-Length} or chunked body), allocating
 * nothing per request: the client's share of each measured request is small and the same for
 * every variant. Single-threaded.
 */
final class LoopbackClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] line = new byte[8192];

  LoopbackClient(int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16_384);
  }

  /** The bytes of {@code GET path} with {@code extraHeaders} (each line ending in CRLF, or ""). */
  static byte[] request(int port, String path, String extraHeaders) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/plain\r\n"
        + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends {@code request} and returns the response's status; its body is read and discarded. */
  int send(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    int n = readLine();
    if (n < 12) throw new IOException("bad status line");
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    long length = -1;
    boolean chunked = false;
    while ((n = readLine()) > 0) {
      if (startsWithIgnoreCase(n, "content-length:")) {
        length = number(15, n, 10);
      } else if (startsWithIgnoreCase(n, "transfer-encoding:") && containsChunked(n)) {
        chunked = true;
      }
    }
    if (chunked) {
      long size;
      while ((size = number(0, readLine(), 16)) > 0) {
        skip(size);
        readLine(); // CRLF after the chunk
      }
      while (readLine() > 0) {
        // trailers
      }
    } else if (length > 0) {
      skip(length);
    }
    return status;
  }

  /** Reads a line without its CRLF into {@link #line}; returns its length. */
  private int readLine() throws IOException {
    int n = 0;
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) throw new IOException("connection closed");
      if (b != '\r' && n < line.length) line[n++] = (byte) b;
    }
    return n;
  }

  /** The number in {@code line[from, to)}, spaces skipped, up to a chunk extension's ';'. */
  private long number(int from, int to, int radix) throws IOException {
    long value = 0;
    boolean any = false;
    for (int i = from; i < to && line[i] != ';'; i++) {
      if (line[i] == ' ' || line[i] == '\t') continue;
      int digit = Character.digit(line[i], radix);
      if (digit < 0) throw new IOException("bad number in a response");
      value = value * radix + digit;
      any = true;
    }
    if (!any) throw new IOException("no number in a response");
    return value;
  }

  private void skip(long count) throws IOException {
    while (count > 0) {
      long skipped = in.skip(count);
      if (skipped <= 0) {
        if (in.read() < 0) throw new IOException("connection closed");
        skipped = 1;
      }
      count -= skipped;
    }
  }

  private boolean startsWithIgnoreCase(int n, String prefix) {
    if (n < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase(line[i]) != prefix.charAt(i)) return false;
    }
    return true;
  }

  private boolean containsChunked(int n) {
    return new String(line, 0, n, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT).contains("chunked");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
