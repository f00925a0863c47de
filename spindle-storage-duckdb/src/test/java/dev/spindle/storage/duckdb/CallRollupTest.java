package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service map's rollup follows late rows, retention and databases from before it: the map
 * answered from rolled-up minutes, from marked minutes and from a mix is the same map.
 */
class CallRollupTest {
  private static final long MINUTE = CallRollup.MINUTE_US;
  /** A whole minute an hour ago: old enough to be rolled up. */
  private static final long T = (System.currentTimeMillis() * 1000 / MINUTE - 60) * MINUTE;
  private static final ServiceMapQuery PERIOD = ServiceMapQuery.of(1L, T - 30 * MINUTE, T + 30 * MINUTE);

  @TempDir Path dir;

  private static String hex(int n) {
    StringBuilder b = new StringBuilder();
    while (b.length() < n) b.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 63));
    return b.substring(0, n);
  }

  private static SpanRow root(String service, String traceId, String parent, long start, long end) {
    return SpanRow.builder().projectId(1).traceId(traceId).spanId(hex(16)).parentSpanId(parent)
        .segmentId(hex(32)).segment(true).transaction("GET /x").op("http.server").startUs(start).endUs(end)
        .service(service).build();
  }

  private static SpanRow client(SpanRow parent, long start, long end) {
    return SpanRow.builder().projectId(1).traceId(parent.traceId()).spanId(hex(16)).parentSpanId(parent.spanId())
        .segmentId(parent.segmentId()).op("http.client").description("GET http://backend/items")
        .startUs(start).endUs(end).service(parent.service()).build();
  }

  /** Rolls up every minute old enough, as the background rollup does once the marks are quiet. */
  static int rollUp(DuckDbStorage s) throws Exception {
    ((BatchWriter) s.writer()).awaitVisible();
    return s.rollup().rollUp(System.currentTimeMillis() * 1000 + CallRollup.QUIET_US);
  }

  private static void write(DuckDbStorage s, SpanRow... rows) {
    s.writer().write(new WriteBatch(List.of(rows), List.of(), List.of()));
  }

  private static List<DuckDbCalls.Range> rolledUp(DuckDbStorage s) throws Exception {
    ((BatchWriter) s.writer()).awaitVisible();
    try (Connection c = s.readConnection()) {
      return CallRollup.rolledUp(c, PERIOD);
    }
  }

  private static String edges(ServiceMap m) {
    return m.edges().stream().map(e -> e.source() + "->" + e.target() + " linked " + e.linked() + " n " + e.count())
        .sorted().toList().toString();
  }

  @Test
  void aLateChildTurnsARolledUpExternalCallIntoALinkedOne() throws Exception {
    try (DuckDbStorage s = DuckDbStorage.open(dir.resolve("db"), false)) {
      s.metadata().createProject("shop", hex(32));
      SpanRow front = root("frontend", hex(32), null, T, T + 2_000_000);
      SpanRow call = client(front, T + 100_000, T + 1_500_000);
      write(s, front, call);
      rollUp(s);
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), PERIOD.endUs())), rolledUp(s));
      assertEquals("[frontend->backend linked 0 n 1]", edges(s.serviceMap().serviceMap(PERIOD)),
          "a call to an un-instrumented host named backend");

      write(s, root("backend", call.traceId(), call.spanId(), T + 200_000, T + 1_400_000));
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), T - MINUTE),
          new DuckDbCalls.Range(T + MINUTE, PERIOD.endUs())), rolledUp(s),
          "the trace's minute is marked again (and the one before: the skew allowed)");
      String linked = "[frontend->backend linked 1 n 1]";
      assertEquals(linked, edges(s.serviceMap().serviceMap(PERIOD)), "classified from the spans");

      assertEquals(2, rollUp(s));
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), PERIOD.endUs())), rolledUp(s));
      assertEquals(linked, edges(s.serviceMap().serviceMap(PERIOD)), "from the rollup");
    }
  }

  /** A linked call of frontend to backend ending near {@code t}, the backend's clock {@code behindUs} behind. */
  private static SpanRow[] linkedCall(long t, long behindUs) {
    SpanRow front = root("frontend", hex(32), null, t, t + 2_000_000);
    SpanRow call = client(front, t + 100_000, t + 1_500_000);
    return new SpanRow[] {front, call,
        root("backend", call.traceId(), call.spanId(), t + 200_000 - behindUs, t + 1_400_000 - behindUs)};
  }

  private static boolean rolledUp(List<DuckDbCalls.Range> ranges, long t) {
    return ranges.stream().anyMatch(r -> r.startUs() <= t && t < r.endUs());
  }

  @Test
  void aLoadThatMeasuresALargerSkewMarksTheMinutesOfItsBucketAndOnlyThat() throws Exception {
    try (DuckDbStorage s = DuckDbStorage.open(dir.resolve("db"), false)) {
      s.metadata().createProject("shop", hex(32));
      long t = ClockSkew.bucket(T) * ClockSkew.BUCKET_US + 2 * MINUTE;
      // a call whose context was lost, the backend's root starting 5 s before it
      SpanRow front = root("frontend", hex(32), null, t, t + 2_000_000);
      SpanRow call = client(front, t + 100_000, t + 1_500_000);
      SpanRow started = SpanRow.builder().projectId(1).traceId(hex(32)).spanId(hex(16)).segmentId(hex(32))
          .segment(true).transaction("GET /items").op("http.server").startUs(t + 100_000 - 5_000_000)
          .endUs(t + 200_000).service("backend").build();
      write(s, front, call, started);
      rollUp(s);
      assertEquals(0, s.serviceMap().serviceMap(PERIOD).edges().get(0).lost(), "5 s is more than the default");

      write(s, linkedCall(t + 5 * MINUTE, 1_500_000)); // a skew within the default allows nothing more
      assertTrue(rolledUp(rolledUp(s), t), "the lost call's minute is not marked: " + rolledUp(s));

      write(s, linkedCall(t + 7 * MINUTE, 6_000_000));
      assertFalse(rolledUp(rolledUp(s), t), "the bucket's minutes are marked: " + rolledUp(s));
      assertEquals(1, s.serviceMap().serviceMap(PERIOD).edges().get(0).lost(), "within the 6 s measured");
      rollUp(s);
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), PERIOD.endUs())), rolledUp(s));
      ServiceMap m = s.serviceMap().serviceMap(PERIOD);
      assertEquals("[frontend->backend linked 2 n 3]", edges(m), "from the rollup");
      assertEquals(1, m.edges().get(0).lost());
    }
  }

  @Test
  void aLateRowInALaterMinuteMarksTheMinutesItsTraceHadAlsoAfterARestart() throws Exception {
    Path file = dir.resolve("db");
    SpanRow front = root("frontend", hex(32), null, T, T + 2_000_000);
    SpanRow call = client(front, T + 100_000, T + 1_500_000);
    try (DuckDbStorage s = DuckDbStorage.open(file, false)) {
      s.metadata().createProject("shop", hex(32));
      write(s, front, call);
      rollUp(s);
    }
    try (DuckDbStorage s = DuckDbStorage.open(file, false)) { // the stored traces read from the trace index
      long late = T + 10 * MINUTE;
      write(s, root("backend", call.traceId(), call.spanId(), late, late + 1_000));
      List<DuckDbCalls.Range> rolled = rolledUp(s);
      for (long minute : new long[] {T, late}) {
        assertTrue(rolled.stream().noneMatch(r -> r.startUs() <= minute && minute < r.endUs()),
            "minute " + (minute - T) / MINUTE + " of the trace is marked: " + rolled);
      }
    }
  }

  @Test
  void retentionForgetsRolledUpMinutes() throws Exception {
    try (DuckDbStorage s = DuckDbStorage.open(dir.resolve("db"), false)) {
      s.metadata().createProject("shop", hex(32));
      SpanRow front = root("frontend", hex(32), null, T, T + 2_000_000);
      write(s, front, client(front, T + 100_000, T + 1_500_000));
      rollUp(s);
      assertEquals(1, s.serviceMap().serviceMap(PERIOD).edges().size());
      s.deleteOlderThan(T + 10 * MINUTE);
      assertTrue(s.serviceMap().serviceMap(PERIOD).edges().isEmpty());
      rollUp(s);
      assertTrue(s.serviceMap().serviceMap(PERIOD).edges().isEmpty());
    }
  }

  @Test
  void aDatabaseFromBeforeTheRollupIsRolledUpFromItsSpans() throws Exception {
    Path file = dir.resolve("db");
    SpanRow front = root("frontend", hex(32), null, T, T + 2_000_000);
    SpanRow call = client(front, T + 100_000, T + 1_500_000);
    try (DuckDbStorage s = DuckDbStorage.open(file, false)) {
      s.metadata().createProject("shop", hex(32));
      write(s, front, call, root("backend", call.traceId(), call.spanId(), T + 200_000, T + 1_400_000));
      ((BatchWriter) s.writer()).awaitVisible();
      try (Connection c = s.readConnection(); Statement st = c.createStatement()) {
        for (String t : List.of("map_calls", "map_durations", "map_examples", "map_marks", "map_loaded")) {
          st.execute("DROP TABLE " + t);
        }
      }
    }
    try (DuckDbStorage s = DuckDbStorage.open(file, false)) {
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), T), new DuckDbCalls.Range(T + MINUTE, PERIOD.endUs())),
          rolledUp(s), "the minute with spans is marked on open");
      rollUp(s);
      assertEquals("[frontend->backend linked 1 n 1]", edges(s.serviceMap().serviceMap(PERIOD)));
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), PERIOD.endUs())), rolledUp(s));
    }
  }

  @Test
  void aNewRootMarksWhereTheClientSpansItMayContinueEndedAlsoInADatabaseFromBeforeTheirTable() throws Exception {
    Path file = dir.resolve("db");
    SpanRow front = root("frontend", hex(32), null, T, T + 200_000_000);
    try (DuckDbStorage s = DuckDbStorage.open(file, false)) {
      s.metadata().createProject("shop", hex(32));
      write(s, front, client(front, T + 100_000, T + 3 * MINUTE + 1_000_000));
      ((BatchWriter) s.writer()).awaitVisible();
      try (Connection c = s.readConnection(); Statement st = c.createStatement()) {
        st.execute("DROP TABLE map_client_ends");
      }
    }
    try (DuckDbStorage s = DuckDbStorage.open(file, false)) {
      rollUp(s);
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), PERIOD.endUs())), rolledUp(s));
      write(s, root("backend", hex(32), null, T + 200_000, T + 1_400_000));
      assertEquals(List.of(new DuckDbCalls.Range(PERIOD.startUs(), T - 2 * MINUTE),
          new DuckDbCalls.Range(T + 4 * MINUTE, PERIOD.endUs())), rolledUp(s),
          "from a match window before the root to the minute the client span it may continue ended");
    }
  }
}
