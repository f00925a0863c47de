package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/** The filter of stored traces never says "no" for a trace in the trace index. */
class StoredTracesTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(7);

  private static String traceId() {
    return String.format("%016x%016x", RANDOM.nextLong(), RANDOM.nextLong());
  }

  @Test
  void knowsTheTracesOfTheIndexWhenLoadedAddedAndAfterGrowing() throws Exception {
    try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (String ddl : Schema.DDL) s.execute(ddl);
      String stored = traceId();
      s.execute("INSERT INTO trace_index VALUES ('" + stored + "'::UUID, 1, 1, 2)");
      StoredTraces traces = StoredTraces.load(c);
      assertTrue(traces.mayContain(stored));
      String fresh = traceId();
      assertFalse(traces.mayContain(fresh));

      traces.add(fresh);
      assertTrue(traces.mayContain(fresh), "added by a load");
      List<String> more = new ArrayList<>();
      for (int i = 0; i < 200_000; i++) more.add(traceId());
      s.execute("INSERT INTO trace_index SELECT unnest(?::UUID[]), 1, 1, 2".replace("?::UUID[]",
          "['" + String.join("'::UUID, '", more) + "'::UUID]"));
      traces.makeRoom(c, more.size()); // rebuilt, larger, from the index
      for (String t : more) traces.add(t);
      assertTrue(traces.mayContain(stored));
      for (String t : more) assertTrue(traces.mayContain(t));
      int falseMaybes = 0;
      for (int i = 0; i < 10_000; i++) if (traces.mayContain(traceId())) falseMaybes++;
      assertTrue(falseMaybes <= 5, falseMaybes + " of 10,000 unknown traces said to be stored");
    }
  }
}
