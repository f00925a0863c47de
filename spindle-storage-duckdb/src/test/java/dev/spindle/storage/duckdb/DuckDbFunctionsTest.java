package dev.spindle.storage.duckdb;

import static dev.spindle.storage.duckdb.DuckDbFunctions.FIGURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.discover.DiscoverSql;
import dev.spindle.storage.discover.Figures;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures in DuckDB's SQL: their text, their bound values, and what they compute. */
class DuckDbFunctionsTest {
  private static final String NOT_FAILED = "('ok', 'cancelled', 'unknown', 'unknown_error')";

  @Test
  void failureRate() {
    DiscoverSql sql = DiscoverSql.of(w -> FIGURES.failureRate(w, "st"));
    assertEquals("count(*) FILTER (WHERE (st NOT IN " + NOT_FAILED + ")) / nullif(count(*), 0)", sql.text());
    assertEquals(List.of(), sql.values());
  }

  @Test
  void apdexBindsItsThresholds() {
    DiscoverSql sql = DiscoverSql.of(w -> FIGURES.apdex(w, "d", 300));
    assertEquals("(count(*) FILTER (WHERE d <= ?) + count(*) FILTER (WHERE d > ? AND d <= ?) / 2.0)"
        + " / nullif(count(*), 0)", sql.text());
    assertEquals(List.of(300.0, 300.0, 1200.0), sql.values());
  }

  @Test
  void userMiseryBindsFourTimesItsThreshold() {
    DiscoverSql sql = DiscoverSql.of(w -> FIGURES.userMisery(w, "d", "uk", 200));
    assertEquals("(count(DISTINCT uk) FILTER (WHERE d > ?) + 5.8875)"
        + " / (count(DISTINCT uk) + 5.8875 + 111.8625)", sql.text());
    assertEquals(List.of(800.0), sql.values());
  }

  @Test
  void percentileTpmAndEstimatedCount() {
    assertEquals("quantile_cont(d, ?) [0.9]", DiscoverSql.of(w -> FIGURES.percentile(w, "d", 0.9)).toString());
    assertEquals("count(*) / ? [2.0]", DiscoverSql.of(w -> FIGURES.perMinute(w, 120_000_000L)).toString());
    assertEquals("count(*) / ? [120.0]", DiscoverSql.of(w -> FIGURES.perSecond(w, 120_000_000L)).toString());
    assertEquals("sum(1.0 / r)", DiscoverSql.of(w -> FIGURES.estimatedCount(w, "r")).text());
    assertEquals("max(d)", FIGURES.functions().aggregate("max", "d"));
  }

  /**
   * Ten rows over two minutes with T = 100 ms: durations 10..1000 ms (satisfied ≤ 100: 1,
   * tolerating ≤ 400: 3), users a, b, c and none, statuses with one cancelled and two failures.
   */
  @Test
  void summaryComputesSentrysFigures() throws Exception {
    DiscoverSql select = DiscoverSql.of(w -> FIGURES.summary(w.add("SELECT "),
        new Figures.Inputs("d", "st", "uk", "r"), 100, 120_000_000L));
    String rows = "(VALUES (10.0, 'ok', 'a', 1.0), (200.0, 'ok', 'a', 0.5), (300.0, 'cancelled', 'b', 0.5),"
        + " (400.0, 'internal_error', NULL, 1.0), (500.0, 'ok', 'b', 1.0), (600.0, 'unknown', 'c', 1.0),"
        + " (700.0, 'ok', 'c', 1.0), (800.0, 'deadline_exceeded', 'c', 1.0), (900.0, 'ok', NULL, 1.0),"
        + " (1000.0, 'unknown_error', 'a', 1.0)) AS t(d, st, uk, r)";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement ps = c.prepareStatement(select.text() + " FROM " + rows)) {
      DuckDbQueries.bind(ps, select.values());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(10, rs.getLong("n"));
        assertEquals(12.0, rs.getDouble("est"), 1e-9);
        assertEquals(5.0, rs.getDouble("tpm"), 1e-9);
        assertEquals(550.0, rs.getDouble("p50"), 1e-9);
        assertEquals(0.2, rs.getDouble("failure_rate"), 1e-9, "internal_error and deadline_exceeded");
        assertEquals((1 + 3 / 2.0) / 10, rs.getDouble("apdex"), 1e-9);
        assertEquals((3 + 5.8875) / (3 + 5.8875 + 111.8625), rs.getDouble("user_misery"), 1e-9,
            "a, b and c each had a row over 400 ms");
      }
    }
  }
}
