package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiscoverApiTest {
  @TempDir static Path dir;
  TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer(dir);
    double now = TestServer.nowSec();
    double[] durations = {0.05, 0.15, 0.6};
    for (int i = 0; i < durations.length; i++) {
      String env = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null,
          i < 2 ? "GET /fast" : "GET /slow", now - durations[i], now, 2);
      assertEquals(200, s.postEnvelope(env).statusCode());
    }
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  @Test
  void groupsFiltersAndSorts() {
    JsonNode r = s.getJson("/api/v1/discover?field=transaction&field=count()&field=" + enc("p50(duration)")
        + "&field=" + enc("apdex(300)") + "&sort=" + enc("-count()") + "&statsPeriod=1h");
    assertEquals("transaction", r.get("meta").get("fields").get(0).asText());
    JsonNode first = r.get("data").get(0);
    assertEquals("GET /fast", first.get("transaction").asText());
    assertEquals(2, first.get("count()").asLong());
    assertEquals(100.0, first.get("p50(duration)").asDouble(), 1.0);
    assertEquals(1.0, first.get("apdex(300)").asDouble(), 1e-9);

    JsonNode slow = s.getJson("/api/v1/discover?field=transaction&field=duration&query=" + enc("duration:>500ms"));
    assertEquals(1, slow.get("data").size());
    assertEquals("GET /slow", slow.get("data").get(0).get("transaction").asText());

    JsonNode spans = s.getJson("/api/v1/discover?dataset=spans&field=op&field=count()&query=" + enc("!op:http.server")
        + "&sort=op");
    assertEquals("db.query", spans.get("data").get(0).get("op").asText());
    assertEquals(6, spans.get("data").get(0).get("count()").asLong());
  }

  private void refused(String query, String fragment) {
    HttpResponse<String> r = s.get("/api/v1/discover?" + query);
    assertEquals(400, r.statusCode(), r.body());
    String detail = TestServer.json(r.body()).get("detail").asText();
    assertTrue(detail.contains(fragment), detail + " should mention " + fragment);
  }

  @Test
  void badQueriesSayWhatIsWrong() {
    refused("", "field");
    refused("field=bogus", "unknown field 'bogus'");
    refused("field=" + enc("median(duration)"), "unknown function 'median'");
    refused("field=" + enc("avg(op)"), "numeric");
    refused("field=" + enc("count_unique()"), "needs a field");
    refused("field=transaction&sort=" + enc("-count()"), "not one of the selected fields");
    refused("field=transaction&query=" + enc("op:>3"), "not numeric");
    refused("field=transaction&query=" + enc("duration:>fast"), "query");
    refused("field=transaction&query=hello", "free text");
    refused("field=transaction&dataset=errors", "dataset");
    refused("field=" + enc("transaction; DROP TABLE spans"), "unknown field");
    refused("field=transaction&query=" + enc("transaction);DROP TABLE spans;--:x"), "not a key:value term");
    refused("field=transaction&query=" + enc("transaction);DROP:x"), "unknown field");
  }

  @Test
  void injectionAttemptsAreJustValues() {
    JsonNode r = s.getJson("/api/v1/discover?field=transaction&query=" + enc("transaction:\"x' OR '1'='1\""));
    assertEquals(0, r.get("data").size());
    JsonNode tag = s.getJson("/api/v1/discover?field=" + enc("tags[a' OR 1=1 --]") + "&field=count()");
    assertEquals(1, tag.get("data").size(), "one group: the tag is absent everywhere");
    assertTrue(tag.get("data").get(0).get("tags[a' OR 1=1 --]").isNull());
    assertEquals(3, s.getJson("/api/v1/transactions?statsPeriod=1h").get("data").get(0).get("count").asLong()
        + s.getJson("/api/v1/transactions?statsPeriod=1h").get("data").get(1).get("count").asLong());
  }
}
