package dev.spindle.serverbench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client over one keep-alive socket: writes a request, reads the status, the
 * headers and the body (Content-Length or chunked). Cheap on the client side so the load
 * generator leaves the CPU to the servers. Not thread-safe: one per connection and thread.
 */
final class RawHttp implements AutoCloseable {
  record Response(int status, byte[] body) {}

  private final String host;
  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  RawHttp(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /**
   * Sends one request and reads the whole response.
   *
   * @param headers extra header lines without CRLF, e.g. {@code "Content-Encoding: gzip"}
   */
  Response send(String method, String path, byte[] body, String... headers) throws IOException {
    if (socket == null) connect();
    StringBuilder h = new StringBuilder(256);
    h.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':')
        .append(port).append("\r\n");
    for (String line : headers) h.append(line).append("\r\n");
    if (body != null) h.append("Content-Length: ").append(body.length).append("\r\n");
    h.append("\r\n");
    try {
      out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) out.write(body);
      out.flush();
      return read();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(60_000);
    socket.connect(new InetSocketAddress(host, port), 10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 65536);
  }

  private Response read() throws IOException {
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.")) throw new IOException("bad status line: " + statusLine);
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      if (colon < 0) continue;
      String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = l.substring(colon + 1).trim();
      if (name.equals("content-length")) length = Long.parseLong(value);
      else if (name.equals("transfer-encoding")) chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      else if (name.equals("connection")) close = value.equalsIgnoreCase("close");
    }
    byte[] body;
    if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        b.write(in.readNBytes(n));
        line();
      }
      body = b.toByteArray();
    } else if (length >= 0) {
      body = in.readNBytes((int) length);
      if (body.length != length) throw new EOFException("body shorter than Content-Length");
    } else if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
      body = new byte[0];
    } else {
      body = in.readAllBytes();
      close = true;
    }
    if (close) close();
    return new Response(status, body);
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) throw new EOFException("connection closed");
      if (c == '\n') break;
      if (c != '\r') b.append((char) c);
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
