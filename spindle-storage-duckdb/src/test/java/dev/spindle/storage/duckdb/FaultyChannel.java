package dev.spindle.storage.duckdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel that fails like a disk that filled up, on cue: a write stores part of its
 * bytes and then throws, {@code force} or {@code truncate} throw. For {@link IngestLog}'s seam.
 */
final class FaultyChannel extends FileChannel {
  /** What fails; shared by every channel a test opens. */
  static final class Faults {
    volatile boolean partialWrite;
    volatile boolean force;
    volatile boolean truncate;

    void clear() {
      partialWrite = false;
      force = false;
      truncate = false;
    }
  }

  private final FileChannel real;
  private final Faults faults;

  FaultyChannel(FileChannel real, Faults faults) {
    this.real = real;
    this.faults = faults;
  }

  private static IOException noSpace() {
    return new IOException("No space left on device (injected)");
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (faults.partialWrite) {
      ByteBuffer half = src.duplicate();
      half.limit(src.position() + Math.max(1, src.remaining() / 2));
      int n = real.write(half, position);
      src.position(src.position() + n);
      throw noSpace();
    }
    return real.write(src, position);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (faults.force) throw noSpace();
    real.force(metaData);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (faults.truncate) throw noSpace();
    real.truncate(size);
    return this;
  }

  @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
  @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
  @Override public int write(ByteBuffer src) throws IOException { throw new UnsupportedOperationException("positional writes only"); }
  @Override public long write(ByteBuffer[] srcs, int offset, int length) { throw new UnsupportedOperationException("positional writes only"); }
  @Override public long position() throws IOException { return real.position(); }
  @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
  @Override public long size() throws IOException { return real.size(); }
  @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return real.transferTo(position, count, target); }
  @Override public long transferFrom(ReadableByteChannel src, long position, long count) { throw new UnsupportedOperationException(); }
  @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
  @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return real.map(mode, position, size); }
  @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
  @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }
  @Override protected void implCloseChannel() throws IOException { real.close(); }
}
