package dev.spindle.storage.write;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Span assembly: joins spans that arrive apart from their segment root (OTLP and Zipkin spans
 * exported one by one, a trace split over batches) to their segment, whatever order they come
 * in. A {@link SpanWriter} in front of the storage's writer, where the rows of a trace pass one
 * process (the only one with {@code --role all}; with {@code --role writer}, Kafka keys records
 * by trace id).
 *
 * <p>Nothing is held back: every row is written, and acknowledged, as it comes. A row that is not
 * {@link SpanRow#assembled() assembled} (its segment root was not in its request) is written as
 * it is and remembered with the spans of its trace that come after it. When a later batch brings
 * the chain of parents up to a segment root, the row is joined to it ({@link SpanRow#joinedTo}):
 * in its own batch when it comes in the same one, else by {@link SegmentStore#assign} once its own
 * write has returned (so the assignment is never overtaken by the row it changes). A trace is
 * forgotten {@code waitMs} after its last row; its spans that found no root stay stored without a
 * transaction. At most {@code maxSpans} spans are remembered: beyond, the oldest traces go first.
 *
 * <p>Restart: the memory is rebuilt from the storage ({@link SegmentStore#unassembled}, spans
 * started in the last {@link #REBUILD_LOOKBACK_MS} plus {@code waitMs}), which also gives the
 * assignments a crash cut off. Rows a queue delivers again after a crash pass the assembler again
 * and land once, as the storage keeps one copy of a replayed row.
 */
public final class SpanAssembler implements SpanWriter {
  private static final Logger LOG = Logger.getLogger(SpanAssembler.class.getName());

  /** How far back a restart looks for spans still waiting for their segment, beyond the wait. */
  public static final long REBUILD_LOOKBACK_MS = 15 * 60_000L;
  /** Parent hops followed from one span: deeper chains are cut (and cycles stopped). */
  private static final int MAX_DEPTH = 1000;

  private final SpanWriter delegate;
  private final SegmentStore store;
  private final long waitMs;
  private final int maxSpans;
  private final LongSupplier clockMs;
  private final Object lock = new Object();
  /** Remembered traces by project and trace id, least recently written first. */
  private final LinkedHashMap<String, Trace> traces = new LinkedHashMap<>();
  private int spans;

  private SpanAssembler(Builder b) {
    this.delegate = b.delegate;
    this.store = b.store;
    this.waitMs = b.waitMs;
    this.maxSpans = b.maxSpans;
    this.clockMs = b.clockMs;
  }

  /** The spans of one trace seen in the wait. */
  private static final class Trace {
    final Map<String, Node> nodes = new HashMap<>();
    long lastMs;
  }

  /** One span: its parent, and its segment once known. */
  private static final class Node {
    final String parentId;
    /** The row while it waits for its segment (or for its write to return), else null. */
    SpanRow row;
    /** What the span takes from its segment ({@link #segmentOf}), or null while it waits. */
    SpanRow segment;
    /** A write carrying the row has not returned yet. */
    boolean writing;
    /** Joined while {@link #writing}: assign once the write returns. */
    boolean assignDue;

    Node(SpanRow r) {
      this.parentId = r.parentSpanId();
      if (r.assembled()) {
        segment = segmentOf(r);
      } else {
        row = r;
      }
    }
  }

  /**
   * What {@link SpanRow#joinedTo} reads of an assembled row, without its payload (tags, data,
   * description), so remembering a trace costs little.
   */
  private static SpanRow segmentOf(SpanRow r) {
    return SpanRow.builder().projectId(r.projectId()).traceId(r.traceId()).spanId(r.spanId())
        .segmentId(r.segmentId()).segment(r.segment()).transaction(r.transaction())
        .transactionSource(r.transactionSource()).transactionOp(r.transactionOp())
        .service(r.service()).release(r.release()).environment(r.environment()).build();
  }

  @Override
  public void write(WriteBatch batch) {
    if (batch.spans().isEmpty()) {
      delegate.write(batch);
      return;
    }
    List<SpanRow> rows = new ArrayList<>(batch.spans());
    List<SpanRow> assignNow = new ArrayList<>();
    Map<Node, Integer> mine = new IdentityHashMap<>();
    synchronized (lock) {
      long now = clockMs.getAsLong();
      forget(now);
      Set<String> touched = new LinkedHashSet<>();
      for (SpanRow r : rows) {
        if (!r.assembled() || (!traces.isEmpty() && traces.containsKey(key(r)))) touched.add(key(r));
      }
      for (int i = 0; i < rows.size() && !touched.isEmpty(); i++) {
        SpanRow r = rows.get(i);
        if (!touched.contains(key(r))) continue;
        Node n = remember(r, now);
        if (n.row == r) {
          n.writing = true;
          mine.put(n, i);
        } else if (!r.assembled() && n.segment != null) {
          rows.set(i, r.joinedTo(n.segment)); // a span sent again after it was joined
        }
      }
      for (String k : touched) {
        for (Node n : join(traces.get(k))) {
          Integer i = mine.get(n);
          if (i != null) {
            rows.set(i, n.row.joinedTo(n.segment));
            n.row = null;
          } else if (n.writing) {
            n.assignDue = true;
          } else {
            assignNow.add(n.row.joinedTo(n.segment));
            n.row = null;
          }
        }
      }
      evict();
    }
    try {
      delegate.write(new WriteBatch(rows, batch.errors(), batch.clientReports()));
    } catch (RuntimeException e) {
      synchronized (lock) {
        for (Node n : mine.keySet()) n.writing = false; // the sender retries the batch
      }
      assign(assignNow);
      throw e;
    }
    synchronized (lock) {
      for (Node n : mine.keySet()) {
        n.writing = false;
        if (n.assignDue) {
          assignNow.add(n.row.joinedTo(n.segment));
          n.row = null;
          n.assignDue = false;
        }
      }
    }
    assign(assignNow);
  }

  /**
   * Reads what the storage holds of spans still waiting for their segment (after a restart):
   * remembers them and assigns those whose root is stored already. Returns the spans read.
   */
  public int rebuild() {
    long now = clockMs.getAsLong();
    List<SpanRow> stored = store.unassembled((now - waitMs - REBUILD_LOOKBACK_MS) * 1000, maxSpans);
    List<SpanRow> assignNow = new ArrayList<>();
    synchronized (lock) {
      Set<String> touched = new LinkedHashSet<>();
      for (SpanRow r : stored) {
        remember(r, now);
        touched.add(key(r));
      }
      for (String k : touched) {
        for (Node n : join(traces.get(k))) {
          assignNow.add(n.row.joinedTo(n.segment));
          n.row = null;
        }
      }
      evict();
    }
    assign(assignNow);
    return stored.size();
  }

  /** The number of spans remembered. */
  public int rememberedSpans() {
    synchronized (lock) {
      return spans;
    }
  }

  private void assign(List<SpanRow> rows) {
    if (rows.isEmpty()) return;
    try {
      store.assign(rows);
    } catch (RuntimeException e) {
      // The rows are stored; they stay without a transaction until a restart assigns them.
      LOG.log(Level.WARNING, "span assembly: could not assign " + rows.size() + " spans to their segment", e);
    }
  }

  private static String key(SpanRow r) {
    return r.projectId() + "/" + r.traceId();
  }

  /**
   * Adds the row to its trace and returns its node: a new one, or the one of the same span when
   * that one is joined already (the row is then written again, e.g. a retried batch).
   */
  private Node remember(SpanRow r, long now) {
    Trace t = traces.remove(key(r));
    if (t == null) t = new Trace();
    t.lastMs = now;
    traces.put(key(r), t); // last: the most recently written
    Node old = t.nodes.get(r.spanId());
    if (old != null && old.segment != null) return old;
    Node n = new Node(r);
    if (old == null) spans++;
    t.nodes.put(r.spanId(), n);
    return n;
  }

  /** The trace's waiting spans whose parents now lead to a span with a segment, each given it. */
  private static List<Node> join(Trace t) {
    List<Node> joined = new ArrayList<>();
    List<Node> path = new ArrayList<>();
    for (Node n : t.nodes.values()) {
      if (n.segment != null) continue;
      path.clear();
      Node cur = n;
      while (cur != null && cur.segment == null && path.size() < MAX_DEPTH) {
        path.add(cur);
        cur = cur.parentId == null ? null : t.nodes.get(cur.parentId);
      }
      if (cur == null || cur.segment == null) continue;
      for (Node p : path) {
        p.segment = cur.segment;
        joined.add(p);
      }
    }
    return joined;
  }

  /** Forgets the traces last written more than the wait ago (none with a write in progress). */
  private void forget(long now) {
    Iterator<Trace> it = traces.values().iterator();
    while (it.hasNext()) {
      Trace t = it.next();
      if (now - t.lastMs <= waitMs) break;
      if (busy(t)) continue;
      spans -= t.nodes.size();
      it.remove();
    }
  }

  /** Forgets the oldest traces while more than {@code maxSpans} spans are remembered. */
  private void evict() {
    Iterator<Trace> it = traces.values().iterator();
    while (spans > maxSpans && it.hasNext()) {
      Trace t = it.next();
      if (busy(t)) continue;
      spans -= t.nodes.size();
      it.remove();
    }
  }

  private static boolean busy(Trace t) {
    for (Node n : t.nodes.values()) {
      if (n.writing) return true;
    }
    return false;
  }

  /** A builder over the storage's writer and its segment store. */
  public static Builder builder(SpanWriter delegate, SegmentStore store) {
    return new Builder(delegate, store);
  }

  /** Configures a {@link SpanAssembler}; every setting has a documented default. */
  public static final class Builder {
    private final SpanWriter delegate;
    private final SegmentStore store;
    private long waitMs = 30_000;
    private int maxSpans = 200_000;
    private LongSupplier clockMs = System::currentTimeMillis;

    private Builder(SpanWriter delegate, SegmentStore store) {
      this.delegate = requireNonNull(delegate, "delegate");
      this.store = requireNonNull(store, "store");
    }

    /** How long a trace's spans wait for their segment root after its last row; default 30 s. */
    public Builder waitMs(long v) {
      if (v <= 0) throw new IllegalArgumentException("waitMs: " + v + " (expected: > 0)");
      waitMs = v;
      return this;
    }

    /** The most spans remembered; default 200,000 (about 40 MB). */
    public Builder maxSpans(int v) {
      if (v <= 0) throw new IllegalArgumentException("maxSpans: " + v + " (expected: > 0)");
      maxSpans = v;
      return this;
    }

    /** The clock in milliseconds; default the system's. */
    public Builder clockMs(LongSupplier v) {
      clockMs = requireNonNull(v, "clockMs");
      return this;
    }

    public SpanAssembler build() {
      return new SpanAssembler(this);
    }
  }
}
