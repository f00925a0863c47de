package dev.spindle.internal.transport;

import dev.spindle.transport.DiscardReason;
import dev.spindle.transport.Envelope;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Envelopes kept on disk while the server cannot be reached, one file per envelope, so they
 * survive an application restart.
 *
 * <ul>
 *   <li>A file is written under a temporary name, then atomically renamed to
 *       {@code <millis>-<seq>-<random>.envelope}; a crash can leave only a temporary file, which
 *       is never read and is deleted at the next start.
 *   <li>Names sort by age; {@link #list()} returns the oldest first.
 *   <li>The total size is bounded by {@code maxBytes}. When a new envelope does not fit, the
 *       <b>oldest</b> files are evicted (their items recorded as {@code queue_overflow}): fresh
 *       data is worth more than old; the file a sender is delivering at that moment is kept. An
 *       envelope larger than {@code maxBytes} on its own is rejected and recorded the same way.
 *   <li>Files that cannot be parsed are deleted with a log line.
 * </ul>
 *
 * <p>Thread-safe (each operation holds this spool's monitor): the transport's senders share it.
 * The file one of them is sending ({@link #sending}) is not evicted.
 */
final class DiskSpool {
  static final String SUFFIX = ".envelope";
  private static final String TEMP_PREFIX = ".tmp-";
  private static final Logger LOG = System.getLogger(DiskSpool.class.getName());
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Path dir;
  private final long maxBytes;
  private final Clock clock;
  private final ClientReports reports;
  /** Files that could not be deleted (e.g. read-only disk): never read again in this process. */
  private final Set<Path> undeletable = new HashSet<>();
  /** Known files, oldest first; loaded from the directory when empty. */
  private final ArrayDeque<Path> pending = new ArrayDeque<>();
  /** The file a sender is delivering: eviction skips it (it would count it lost and deliver it). */
  private Path sending;
  // volatile: written under the monitor, read without it for flush()/close() answers
  private volatile long totalBytes;
  private volatile int fileCount;

  /** Creates the directory if needed, deletes stale temporary files and sizes what is there. */
  DiskSpool(Path dir, long maxBytes, Clock clock, ClientReports reports) throws IOException {
    this.dir = requireNonNull(dir, "dir");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
    this.maxBytes = maxBytes;
    this.clock = requireNonNull(clock, "clock");
    this.reports = requireNonNull(reports, "reports");
    Files.createDirectories(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          Files.deleteIfExists(p);
        } else if (name.endsWith(SUFFIX)) {
          totalBytes += Files.size(p);
          fileCount++;
        }
      }
    }
  }

  Path dir() {
    return dir;
  }

  boolean isEmpty() {
    return fileCount <= 0;
  }

  int fileCount() {
    return fileCount;
  }

  long totalBytes() {
    return totalBytes;
  }

  /**
   * Stores a serialized envelope. Returns false when it was rejected (too large for the spool)
   * and recorded as {@code queue_overflow}.
   *
   * @throws IOException when the file cannot be written (e.g. read-only disk); nothing is left
   *     behind
   */
  synchronized boolean store(Envelope envelope, byte[] serialized) throws IOException {
    if (serialized.length > maxBytes) {
      LOG.log(Level.DEBUG, "envelope of {0} bytes exceeds the spool limit of {1} bytes; dropped",
          serialized.length, maxBytes);
      recordItems(envelope, DiscardReason.QUEUE_OVERFLOW);
      return false;
    }
    if (totalBytes + serialized.length > maxBytes) evictFor(serialized.length);
    String base = String.format(Locale.ROOT, "%013d-%012d-%08x", clock.millis(),
        SEQUENCE.incrementAndGet(), ThreadLocalRandom.current().nextInt());
    Path temp = dir.resolve(TEMP_PREFIX + base);
    Path target = dir.resolve(base + SUFFIX);
    try {
      Files.write(temp, serialized);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort
      }
      throw e;
    }
    totalBytes += serialized.length;
    fileCount++;
    if (!pending.isEmpty()) pending.addLast(target);
    return true;
  }

  /**
   * Atomically replaces a spooled file's content (keeping its place in the order), e.g. after
   * rate-limited items were removed from it so they are not counted or sent twice. On failure
   * the file is deleted rather than left with items already recorded as discarded.
   */
  synchronized void replace(Path file, byte[] serialized) {
    Path temp = dir.resolve(TEMP_PREFIX + file.getFileName());
    try {
      long oldSize = Files.size(file);
      Files.write(temp, serialized);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      totalBytes = Math.max(0, totalBytes - oldSize + serialized.length);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot rewrite spooled envelope " + file + "; removing it", e);
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort
      }
      delete(file);
    }
  }

  /** Spooled files, oldest first. Never throws; an unreadable directory lists as empty. */
  synchronized List<Path> list() {
    List<Path> result = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : files) {
        if (!undeletable.contains(p)) result.add(p);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot list spool directory " + dir, e);
    }
    Collections.sort(result);
    // keep the counters honest if files were removed behind our back
    if (result.isEmpty()) {
      fileCount = 0;
      totalBytes = 0;
    }
    return result;
  }

  /** The oldest spooled file, or null. Cheap: the directory is listed only when needed. */
  synchronized Path oldest() {
    if (pending.isEmpty()) pending.addAll(list());
    return pending.peekFirst();
  }

  /**
   * Reads and parses a spooled envelope. A file that is gone returns null; a corrupt one is
   * deleted with a log line and returns null.
   */
  synchronized Envelope read(Path file) {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "cannot read spooled envelope " + file + "; removing it", e);
      delete(file);
      return null;
    }
    try {
      return Envelope.parse(data);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "deleting corrupt spooled envelope {0}: {1}", file, e.getMessage());
      delete(file);
      return null;
    }
  }

  /**
   * Deletes a spooled file (after delivery or a definitive rejection). Never throws. A file that
   * cannot be deleted is remembered and never listed again by this instance, so it is not
   * delivered twice.
   */
  synchronized void delete(Path file) {
    pending.remove(file);
    long size = 0;
    try {
      size = Files.size(file);
    } catch (IOException | RuntimeException ignored) {
      // gone already, or unreadable: the delete below decides
    }
    try {
      if (Files.deleteIfExists(file)) {
        totalBytes = Math.max(0, totalBytes - size);
        fileCount = Math.max(0, fileCount - 1);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot delete spooled envelope " + file, e);
      undeletable.add(file);
      totalBytes = Math.max(0, totalBytes - size);
      fileCount = Math.max(0, fileCount - 1);
    }
  }

  /** Marks the file a sender is delivering (null: none), so that it is not evicted meanwhile. */
  synchronized void sending(Path file) {
    sending = file;
  }

  private void evictFor(long needed) {
    if (pending.isEmpty()) pending.addAll(list());
    for (Path oldest : new ArrayList<>(pending)) {
      if (totalBytes + needed <= maxBytes) return;
      if (oldest.equals(sending)) continue;
      Envelope evicted = read(oldest); // a corrupt file is deleted by read()
      if (evicted != null) {
        delete(oldest);
        recordItems(evicted, DiscardReason.QUEUE_OVERFLOW);
        LOG.log(Level.DEBUG, "spool full; evicted {0}", oldest.getFileName());
      }
    }
  }

  /** Records every counted item of a discarded envelope and restores any client report in it. */
  private void recordItems(Envelope envelope, String reason) {
    for (Envelope.Item item : envelope.items()) {
      String category = item.dataCategory();
      if (category != null) {
        reports.record(reason, category, 1);
      } else if (item.type().equals("client_report")) {
        reports.restore(item.payload());
      }
    }
  }
}
