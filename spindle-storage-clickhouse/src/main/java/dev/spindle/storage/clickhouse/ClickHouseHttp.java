package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.spindle.storage.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * ClickHouse's HTTP interface: the query text goes in the POST body (or in the URL for inserts,
 * whose body is the data); results are read as {@code JSONEachRow}. A non-200 answer becomes a
 * {@link StorageException} carrying ClickHouse's message.
 */
final class ClickHouseHttp {
  static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpClient client;
  private final String baseUrl;
  private final String authorization;
  private final Duration timeout;

  ClickHouseHttp(String baseUrl, String user, String password, Duration timeout) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.authorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  /** Runs a statement that returns nothing useful (DDL, ALTER...). */
  void execute(String sql, Map<String, String> settings) {
    send(url(settings, null), HttpRequest.BodyPublishers.ofString(sql), sql, false);
  }

  void execute(String sql) {
    execute(sql, Map.of());
  }

  /** Runs a SELECT (without FORMAT) and returns its rows. */
  List<JsonNode> query(String select) {
    String sql = select + " FORMAT JSONEachRow";
    List<JsonNode> rows = new ArrayList<>();
    try (InputStream in = send(url(Map.of(), null), HttpRequest.BodyPublishers.ofString(sql), sql, true);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isEmpty()) rows.add(JSON.readTree(line));
      }
    } catch (IOException e) {
      throw new StorageException("reading a ClickHouse answer failed: " + e.getMessage(), e);
    }
    return rows;
  }

  /** Inserts {@code JSONEachRow} data into a table. */
  void insert(String table, byte[] jsonEachRow, Map<String, String> settings) {
    String sql = "INSERT INTO " + table + " FORMAT JSONEachRow";
    try (InputStream in = send(url(settings, sql), HttpRequest.BodyPublishers.ofByteArray(jsonEachRow), sql, false)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new StorageException("insert into " + table + " failed: " + e.getMessage(), e);
    }
  }

  private URI url(Map<String, String> settings, String query) {
    StringBuilder u = new StringBuilder(baseUrl).append('?');
    if (query != null) u.append("query=").append(URLEncoder.encode(query, StandardCharsets.UTF_8)).append('&');
    for (Map.Entry<String, String> s : settings.entrySet()) {
      u.append(URLEncoder.encode(s.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(s.getValue(), StandardCharsets.UTF_8)).append('&');
    }
    u.setLength(u.length() - 1);
    return URI.create(u.toString());
  }

  /**
   * Sends one request. A {@code read} is sent again once when the first attempt got no answer
   * (other than a timeout): ClickHouse closes idle keep-alive connections after a few seconds
   * ({@code keep_alive_timeout}, 3 s by default), so a request on a pooled connection can meet a
   * closed socket; a read is safe to repeat, a write is left to its caller's retries.
   */
  private InputStream send(URI uri, HttpRequest.BodyPublisher body, String sqlForErrors, boolean read) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).POST(body);
    if (authorization != null) b.header("Authorization", authorization);
    HttpResponse<InputStream> r;
    try {
      try {
        r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (!read || e instanceof HttpTimeoutException) throw e;
        r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      }
    } catch (IOException e) {
      throw new StorageException("ClickHouse at " + baseUrl + " is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while talking to ClickHouse", e);
    }
    if (r.statusCode() != 200) {
      String message;
      try (InputStream in = r.body()) {
        message = new String(in.readNBytes(4000), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        message = "(no message: " + e.getMessage() + ")";
      }
      String shown = sqlForErrors.length() > 300 ? sqlForErrors.substring(0, 300) + "..." : sqlForErrors;
      throw new StorageException("ClickHouse answered " + r.statusCode() + ": " + message + " [" + shown + "]");
    }
    return r.body();
  }
}
