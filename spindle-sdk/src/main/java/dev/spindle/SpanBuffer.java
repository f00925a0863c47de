package dev.spindle;

import java.util.function.Consumer;

/**
 * The child spans of one transaction, in start order: an append-only list of fixed-size chunks,
 * so adding never copies and the list is handed over to serialization without a copy. Not
 * thread-safe: the transaction guards it.
 */
final class SpanBuffer {
  private static final int CHUNK = 32;

  private final RecordingSpan[] first = new RecordingSpan[CHUNK];
  private RecordingSpan[][] more; // chunks after the first, allocated as needed
  private int size;

  void add(RecordingSpan span) {
    int chunk = size / CHUNK;
    int index = size % CHUNK;
    if (chunk == 0) {
      first[index] = span;
    } else {
      if (more == null) more = new RecordingSpan[4][];
      if (chunk - 1 == more.length) more = java.util.Arrays.copyOf(more, more.length * 2);
      if (more[chunk - 1] == null) more[chunk - 1] = new RecordingSpan[CHUNK];
      more[chunk - 1][index] = span;
    }
    size++;
  }

  int size() {
    return size;
  }

  void forEach(Consumer<RecordingSpan> action) {
    for (int i = 0; i < size; i++) {
      int chunk = i / CHUNK;
      action.accept(chunk == 0 ? first[i] : more[chunk - 1][i % CHUNK]);
    }
  }
}
