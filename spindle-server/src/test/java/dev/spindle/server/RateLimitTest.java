package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.Outcome;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-project rate limits and daily quotas through the real envelope endpoint: 429 with
 * {@code Retry-After} and {@code X-Sentry-Rate-Limits} the way Relay answers, counted as outcomes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitTest {
  @TempDir Path dir;

  static String envelope(int children) {
    double now = TestServer.nowSec();
    return TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null, "GET /", now - 1, now, children);
  }

  static void assertLimited(HttpResponse<String> r, String scopeAndReason, long maxRetryAfter) {
    assertEquals(429, r.statusCode(), r.body());
    long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry >= 1 && retry <= maxRetryAfter, "Retry-After " + retry);
    assertEquals(retry + "::" + scopeAndReason, r.headers().firstValue("X-Sentry-Rate-Limits").orElseThrow());
  }

  @Test
  void aProjectOverItsRateLimitGets429AndTheRefusalIsAnOutcome() {
    try (TestServer ts = new TestServer(SpindleServer.builder().port(0).dataDir(dir).projectRateLimit(3))) {
      for (int i = 0; i < 3; i++) assertEquals(200, ts.postEnvelope(envelope(0)).statusCode(), "request " + i);
      HttpResponse<String> r = ts.postEnvelope(envelope(0));
      assertLimited(r, "project:project_rate_limit", 20);
      assertTrue(TestServer.json(r.body()).get("detail").asText().contains("over its rate limit of 3 requests a minute"));
      List<Outcome> o = ts.server.storage().outcomes().outcomes(1L, 0, Long.MAX_VALUE);
      assertTrue(o.contains(new Outcome(1, "project_rate_limit", "request", 1)), o.toString());
      assertEquals(3, ts.getJson("/api/v1/transactions?project=1&statsPeriod=1h").get("data").get(0).get("count").asLong());
    }
  }

  @Test
  void aProjectPastItsDailyQuotaGets429UntilMidnightUtc() {
    try (TestServer ts = new TestServer(SpindleServer.builder().port(0).dataDir(dir).projectDailyQuota(3))) {
      assertEquals(200, ts.postEnvelope(envelope(2)).statusCode(), "a transaction and 2 spans: the quota");
      HttpResponse<String> r = ts.postEnvelope(envelope(0));
      assertLimited(r, "project:daily_quota", 86_400);
      assertTrue(TestServer.json(r.body()).get("detail").asText().contains("daily quota of 3 spans"), r.body());
      List<Outcome> o = ts.server.storage().outcomes().outcomes(1L, 0, Long.MAX_VALUE);
      assertTrue(o.contains(new Outcome(1, "daily_quota", "request", 1)), o.toString());
    }
  }
}
