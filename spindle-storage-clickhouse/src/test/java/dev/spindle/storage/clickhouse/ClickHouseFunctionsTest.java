package dev.spindle.storage.clickhouse;

import static dev.spindle.storage.clickhouse.ClickHouseFunctions.FIGURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.discover.Figures;
import org.junit.jupiter.api.Test;

/** The figures in ClickHouse's SQL, values written as literals (what they compute: the contract). */
class ClickHouseFunctionsTest {
  private static final String FAILED = "(status NOT IN ('ok', 'cancelled', 'unknown', 'unknown_error'))";

  @Test
  void failures() {
    assertEquals("countIf(" + FAILED + ")", ClickHouseFunctions.sql(w -> FIGURES.failures(w, "status")));
    assertEquals("countIf(" + FAILED + ") / nullif(count(), 0)",
        ClickHouseFunctions.sql(w -> FIGURES.failureRate(w, "status")));
  }

  @Test
  void apdexAndUserMisery() {
    assertEquals("(countIf(d <= 300) + countIf(d > 300 AND d <= 1200) / 2.0) / nullif(count(), 0)",
        ClickHouseFunctions.sql(w -> FIGURES.apdex(w, "d", 300)));
    assertEquals("(uniqExactIf(uk, d > 800) + 5.8875) / (uniqExact(uk) + 5.8875 + 111.8625)",
        ClickHouseFunctions.sql(w -> FIGURES.userMisery(w, "d", "uk", 200)));
  }

  @Test
  void aggregatesOfNoValuesAreNull() {
    assertEquals("if(count(d) > 0, quantile(0.5)(d), NULL)",
        ClickHouseFunctions.sql(w -> FIGURES.percentile(w, "d", 0.5)));
    assertEquals("if(count(d) > 0, avg(d), NULL)", FIGURES.functions().aggregate("avg", "d"));
  }

  @Test
  void timeBucketAndSummary() {
    assertEquals("count() AS n, count() / 60 AS tpm, if(count(d) > 0, quantile(" + Sql.literal(0.95) + ")(d), NULL) AS p95,"
        + " countIf(" + FAILED + ") / nullif(count(), 0) AS failure_rate",
        ClickHouseFunctions.sql(w -> FIGURES.timeBucket(w, "d", "status", 3_600_000_000L)));
    String summary = ClickHouseFunctions.sql(w -> FIGURES.summary(w,
        new Figures.Inputs("d", "status", "user_key", "sample_rate"), 100, 60_000_000L));
    assertTrue(summary.startsWith("count() AS n, sum(1.0 / sample_rate) AS est, count() / 1 AS tpm,"
        + " if(count(d) > 0, quantile(0.5)(d), NULL) AS p50,"), summary);
    assertTrue(summary.endsWith("AS apdex, (uniqExactIf(user_key, d > 400) + 5.8875)"
        + " / (uniqExact(user_key) + 5.8875 + 111.8625) AS user_misery"), summary);
  }
}
