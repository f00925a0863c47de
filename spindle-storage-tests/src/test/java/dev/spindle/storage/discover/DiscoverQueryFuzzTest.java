package dev.spindle.storage.discover;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary Discover requests: the input's lines are {@code field=}, {@code query=} and
 * {@code sort=} parameters as the API passes them to {@link DiscoverQuery.Builder}. The result is
 * a query or a {@link DiscoverQueryException} (a 400); a query compiles to SQL in which every
 * value is a bound parameter (as many {@code ?} as values: no input text reaches the SQL).
 */
class DiscoverQueryFuzzTest {
  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void parse(byte[] data) {
    DiscoverQuery query;
    try {
      DiscoverQuery.Builder b = DiscoverQuery.builder(1_000, 2_000);
      for (String line : new String(data, UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq < 0) continue;
        String value = line.substring(eq + 1);
        switch (line.substring(0, eq)) {
          case "field" -> b.field(value);
          case "query" -> b.query(value);
          case "sort" -> b.sort(value);
          default -> { } // other parameters are not the grammar's
        }
      }
      query = b.build();
    } catch (DiscoverQueryException refused) {
      assertFalse(refused.getMessage().isEmpty());
      return;
    }
    DiscoverSql sql = DiscoverSql.compile(query, DiscoverSqlTest.DIALECT);
    assertEquals(sql.values().size(), sql.text().chars().filter(c -> c == '?').count(), sql::text);
  }
}
