package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.Project;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuotasTest {
  static final long DAY = 86_400_000L;

  final AtomicLong now = new AtomicLong(100 * DAY + 3_600_000L);
  final Project shop = new Project(1, "shop", "a".repeat(32), true, 0);
  final Project pay = new Project(2, "pay", "b".repeat(32), true, 0);

  @Test
  void keysAndProjectsHaveTheirOwnLimits() {
    Quotas q = new Quotas(new Quotas.Limits(0, 2, 0), now::get);
    q.admit(shop);
    q.admit(shop);
    IngestException e = assertThrows(IngestException.class, () -> q.admit(shop));
    assertEquals(IngestException.Kind.RATE_LIMITED, e.kind());
    assertEquals(30, e.retryAfterSeconds(), "2 a minute: one every 30 s");
    assertEquals("30::key:key_rate_limit", e.rateLimits());
    q.admit(pay);
    Project rotated = new Project(1, "shop", "c".repeat(32), true, 0);
    q.admit(rotated); // a new key has its own bucket
    assertTrue(q.outcomesDue(), "the first refusal is written at once");
    assertEquals(List.of(new ClientReportRow(1, now.get() * 1000, "key_rate_limit", "request", 1)), q.drainOutcomes());
    assertEquals(List.of(), q.drainOutcomes());
  }

  @Test
  void theDailyQuotaCountsStoredSpansAndResetsAtMidnightUtc() {
    Quotas q = new Quotas(new Quotas.Limits(0, 0, 10), now::get);
    q.admit(shop);
    q.stored(1, 9);
    q.admit(shop);
    q.stored(1, 5);
    IngestException e = assertThrows(IngestException.class, () -> q.admit(shop));
    assertEquals(23 * 3600, e.retryAfterSeconds(), "until midnight UTC");
    assertEquals("82800::project:daily_quota", e.rateLimits());
    q.admit(pay);
    assertThrows(IngestException.class, () -> q.admit(shop));
    now.addAndGet(Quotas.OUTCOME_FLUSH_MS);
    assertEquals(List.of(new ClientReportRow(1, now.get() * 1000, "daily_quota", "request", 2)), q.drainOutcomes());
    now.set(101 * DAY);
    q.admit(shop);
  }

  @Test
  void noLimitsByDefault() {
    Quotas q = new Quotas(Quotas.Limits.NONE, now::get);
    for (int i = 0; i < 1000; i++) q.admit(shop);
    q.stored(1, Integer.MAX_VALUE);
    q.admit(shop);
    assertThrows(IllegalArgumentException.class, () -> new Quotas.Limits(-1, 0, 0));
  }
}
