package dev.spindle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The child spans of one transaction by start order, {@code capacity} slots at most: the first
 * 32 in an array made with the buffer, the next in chunks of 32, 64, 128, ... made on first use
 * (each chunk doubles the room, so at most half the slots made are empty), so storing never
 * copies and nothing is copied to hand the spans to serialization.
 *
 * <p>Lock-free. The transaction reserves each index once (an atomic counter) and then
 * {@link #set}s it; a slot is published with release semantics and read with acquire semantics,
 * so a reader that sees a span sees it fully built. A reader that has no happens-before edge with
 * the writer of a reserved slot (only at the open-children deadline) may find it still empty:
 * {@link #get} then returns null.
 */
final class SpanBuffer {
  private static final int FIRST_BITS = 5;
  private static final int FIRST = 1 << FIRST_BITS; // 32
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(RecordingSpan[].class);
  private static final VarHandle CHUNK = MethodHandles.arrayElementVarHandle(RecordingSpan[][].class);
  private static final VarHandle MORE;

  static {
    try {
      MORE = MethodHandles.lookup().findVarHandle(SpanBuffer.class, "more", RecordingSpan[][].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  private final RecordingSpan[] first;
  /** Chunk {@code c >= 1} at index {@code c}; null until a span goes past the first chunk. */
  @SuppressWarnings("unused") // accessed through MORE
  private volatile RecordingSpan[][] more;

  SpanBuffer(int capacity) {
    if (capacity < 0) throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 0)");
    this.capacity = capacity;
    this.first = new RecordingSpan[Math.min(FIRST, capacity)];
  }

  int capacity() {
    return capacity;
  }

  /** The chunk holding {@code index}: 0 for 0-31, 1 for 32-63, 2 for 64-127, 3 for 128-255... */
  static int chunkOf(int index) {
    return 32 - Integer.numberOfLeadingZeros(index >>> FIRST_BITS);
  }

  /** The first index of chunk {@code c}, which is also its length (but for chunk 0: 32). */
  static int chunkStart(int c) {
    return c == 0 ? 0 : FIRST << (c - 1);
  }

  /**
   * Stores {@code span} at {@code index}, which the caller reserved for itself
   * ({@code 0 <= index < capacity}). Safe for concurrent calls with distinct indexes.
   */
  void set(int index, RecordingSpan span) {
    if (index < FIRST) {
      SLOT.setRelease(first, index, span);
      return;
    }
    int c = chunkOf(index);
    SLOT.setRelease(chunk(c, true), index - chunkStart(c), span);
  }

  /** The span at {@code index}, or null when none is stored there (yet). */
  RecordingSpan get(int index) {
    if (index < FIRST) return (RecordingSpan) SLOT.getAcquire(first, index);
    int c = chunkOf(index);
    RecordingSpan[] chunk = chunk(c, false);
    return chunk == null ? null : (RecordingSpan) SLOT.getAcquire(chunk, index - chunkStart(c));
  }

  /** Calls {@code action} with the spans at indexes {@code 0..size-1} in order, skipping empty slots. */
  void forEach(int size, Consumer<RecordingSpan> action) {
    for (int i = 0; i < size; i++) {
      RecordingSpan s = get(i);
      if (s != null) action.accept(s);
    }
  }

  private RecordingSpan[] chunk(int c, boolean create) {
    RecordingSpan[][] dir = (RecordingSpan[][]) MORE.getAcquire(this);
    if (dir == null) {
      if (!create) return null;
      RecordingSpan[][] made = new RecordingSpan[chunkOf(capacity - 1) + 1][];
      dir = MORE.compareAndSet(this, null, made) ? made : (RecordingSpan[][]) MORE.getAcquire(this);
    }
    RecordingSpan[] chunk = (RecordingSpan[]) CHUNK.getAcquire(dir, c);
    if (chunk == null && create) {
      int start = chunkStart(c);
      RecordingSpan[] made = new RecordingSpan[Math.min(start, capacity - start)];
      chunk = CHUNK.compareAndSet(dir, c, null, made) ? made : (RecordingSpan[]) CHUNK.getAcquire(dir, c);
    }
    return chunk;
  }
}
