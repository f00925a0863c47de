package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only, fsync'ed log of records in numbered segment files ({@code <n>.seg}, rolled
 * over past a size, {@link #SEGMENT_BYTES} by default). A record is its length, its CRC32C and its bytes; {@link #append}
 * returns only when the record is on disk. Positions are {@code segment << 32 | end offset}: a
 * position names everything before it, so "loaded up to p" is one number.
 *
 * <p>After a crash the last record may be torn (its write was never acknowledged): {@link #replay}
 * stops there and cuts it off. A failed append (a full or read-only disk) is cut off at once, so
 * the next append takes its place and a segment never holds a failed record before good ones.
 * Not thread-safe: the owner serializes calls.
 */
final class IngestLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(IngestLog.class.getName());
  static final long SEGMENT_BYTES = 64L << 20;
  /** Usable bytes below which a failed append is blamed on a full disk (blocks, metadata). */
  private static final long ROOM_BYTES = 1L << 20;
  private static final String SUFFIX = ".seg";

  /** Receives replayed records. */
  interface Replay {
    void record(byte[] payload, long endPosition);
  }

  /** Opens segment files: {@code FileChannel::open}, or in tests a channel that fails on cue. */
  interface Channels {
    FileChannel open(Path file, OpenOption... options) throws IOException;
  }

  private final Path dir;
  private final long segmentBytes;
  private final Channels channels;
  private FileChannel current;
  private long segment;
  private long size;

  /** Opens (creating) the folder; call {@link #replay} once before appending. */
  IngestLog(Path dir, long segmentBytes) throws IOException {
    this(dir, segmentBytes, FileChannel::open);
  }

  IngestLog(Path dir, long segmentBytes, Channels channels) throws IOException {
    this.dir = requireNonNull(dir, "dir");
    this.channels = requireNonNull(channels, "channels");
    if (segmentBytes <= 0 || segmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("segmentBytes: " + segmentBytes + " (expected: 1.." + Integer.MAX_VALUE + ")");
    }
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
  }

  static long segmentOf(long position) {
    return position >>> 32;
  }

  static long offsetOf(long position) {
    return position & 0xFFFF_FFFFL;
  }

  /**
   * Hands every intact record after {@code from} to {@code replay}, in order; cuts off a torn
   * last record; then opens the last segment for appending.
   *
   * @throws IOException when a segment other than the last is damaged (the log is not replayed
   *     past damage that a crash cannot explain)
   */
  void replay(long from, Replay replay) throws IOException {
    List<Long> segments = segments();
    for (int i = 0; i < segments.size(); i++) {
      long n = segments.get(i);
      if (n < segmentOf(from)) continue;
      boolean last = i == segments.size() - 1;
      long start = n == segmentOf(from) ? offsetOf(from) : 0;
      try (FileChannel ch = channels.open(file(n), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long good = read(ch, n, start, replay);
        if (good < ch.size()) {
          if (!last) {
            throw new IOException("ingest log " + file(n) + " is damaged at byte " + good
                + " and later segments exist; move it away to start without it");
          }
          LOG.warning("ingest log " + file(n) + ": cutting off a torn last record at byte " + good
              + " (" + (ch.size() - good) + " bytes, never acknowledged)");
          ch.truncate(good);
          ch.force(true);
        }
      }
    }
    segment = segments.isEmpty() ? 1 : segments.get(segments.size() - 1);
    current = openForAppend(segment);
    size = current.size();
  }

  /** Reads records from {@code start}; returns the offset after the last intact one. */
  private static long read(FileChannel ch, long segment, long start, Replay replay) throws IOException {
    long at = start;
    ByteBuffer header = ByteBuffer.allocate(8);
    CRC32C crc = new CRC32C();
    while (true) {
      header.clear();
      if (readFully(ch, header, at) < 8) return at;
      int length = header.getInt(0);
      int sum = header.getInt(4);
      if (length < 0 || at + 8 + length > ch.size()) return at;
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(ch, payload, at + 8);
      crc.reset();
      crc.update(payload.array(), 0, length);
      if ((int) crc.getValue() != sum) return at;
      at += 8 + length;
      replay.record(payload.array(), segment << 32 | at);
    }
  }

  private static int readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, at + total);
      if (n < 0) break;
      total += n;
    }
    return total;
  }

  /**
   * Writes one record and forces it to disk; returns the position after it.
   *
   * @throws StorageFullException when the disk is full or read-only (nothing was appended)
   * @throws IOException when the write failed otherwise (nothing was appended)
   */
  long append(byte[] payload) throws IOException {
    if (current == null) throw new IllegalStateException("replay first");
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, payload.length);
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
    b.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    try {
      if (size > 0 && size + b.limit() > segmentBytes) rollOver();
      while (b.hasRemaining()) current.write(b, size + b.position());
      current.force(false);
    } catch (IOException e) {
      cutOffFailedAppend();
      String noRoom = DiskRoom.noRoom(dir, b.limit() + ROOM_BYTES);
      if (noRoom != null) throw new StorageFullException("the ingest log's disk is " + noRoom + ": " + e.getMessage(), e);
      throw e;
    }
    size += b.limit();
    return segment << 32 | size;
  }

  /** Starts the next segment; the current one stays open for appending when that fails. */
  private void rollOver() throws IOException {
    current.truncate(size); // nothing of a failed append may stay before the next segment's records
    FileChannel next = openForAppend(segment + 1);
    current.close();
    current = next;
    segment++;
    size = next.size();
  }

  /** Drops what a failed append may have left after the last record (best effort: else at rollover). */
  private void cutOffFailedAppend() {
    try {
      if (current.size() > size) current.truncate(size);
    } catch (IOException e) {
      LOG.fine("cutting off a failed append failed too (done at the next append or rollover): " + e);
    }
  }

  /** Deletes the segments wholly before {@code position}. */
  void deleteBefore(long position) throws IOException {
    for (long n : segments()) {
      if (n < segmentOf(position) && n != segment) Files.deleteIfExists(file(n));
    }
  }

  private FileChannel openForAppend(long n) throws IOException {
    Path f = file(n);
    boolean created = !Files.exists(f);
    FileChannel ch = channels.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    if (created) {
      // The new file's name must survive a crash too.
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // not every file system lets a folder be forced; the data itself is forced on append
      }
    }
    return ch;
  }

  private List<Long> segments() throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        String name = p.getFileName().toString();
        if (name.endsWith(SUFFIX)) {
          try {
            out.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
          } catch (NumberFormatException ignored) {
            // not ours
          }
        }
      });
    }
    out.sort(null);
    return out;
  }

  private Path file(long n) {
    return dir.resolve(String.format("%016d%s", n, SUFFIX));
  }

  @Override
  public void close() throws IOException {
    if (current != null) current.close();
  }
}
