package dev.spindle.springbench;

import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Export that does not leave the process ({@code export=inProcess}): each tracer's exporter does
 * what its HTTP exporter does before the network, on its background thread, and discards the
 * bytes. Spindle: {@link SpindleTransport}, a sender thread that produces each envelope (snapshot,
 * JSON), serializes and gzips it with one reused {@code Deflater}, as each of
 * {@code HttpTransport}'s senders does before its POST.
 * OpenTelemetry: {@link OtlpExporter} behind Boot's {@code BatchSpanProcessor}, which marshals
 * each batch to OTLP protobuf with the exporter's own low-allocation marshaler and gzips it, as
 * the OTLP/HTTP exporter does before its POST. Counted here for the checks and the report.
 */
final class InProcessExport {
  /** Spindle envelopes or OpenTelemetry spans serialized. */
  static final AtomicLong ITEMS = new AtomicLong();
  static final AtomicLong BATCHES = new AtomicLong();
  static final AtomicLong GZIPPED_BYTES = new AtomicLong();
  /** Spindle: envelopes the SDK reported lost (this transport never drops). */
  static final AtomicLong LOST = new AtomicLong();
  /** While true, the last payload is kept uncompressed (for the check before measuring). */
  static volatile boolean keepLast = true;
  private static volatile byte[] last = new byte[0];

  private InProcessExport() {}

  static String stats() {
    return "serialized " + ITEMS.get() + " in " + BATCHES.get() + " payloads, " + GZIPPED_BYTES.get()
        + " bytes gzipped, lost " + LOST.get();
  }

  /** Whether the last payload kept holds {@code traceId}. */
  static boolean lastHolds(boolean protobuf, String traceId) {
    return Payloads.holdsTrace(last, protobuf, traceId);
  }

  private static void gzipped(byte[] payload, int items) throws IOException {
    if (keepLast) last = payload;
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(payload);
    }
    count(out.size(), items);
  }

  private static void count(int gzippedBytes, int items) {
    GZIPPED_BYTES.addAndGet(gzippedBytes);
    ITEMS.addAndGet(items);
    BATCHES.incrementAndGet();
  }

  /**
   * A Spindle transport with one sender thread behind a queue of 1000 envelopes (as
   * {@code HttpTransport}), except that a full queue makes the sender wait instead of dropping:
   * every transaction is serialized, so none escapes the measurement.
   */
  static final class SpindleTransport implements Transport {
    private final BlockingQueue<Envelope> queue = new ArrayBlockingQueue<>(1000);
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Thread sender = new Thread(this::run, "spindle-bench-sender");

    SpindleTransport() {
      sender.setDaemon(true);
      sender.start();
    }

    private void run() {
      // one Deflater for the sender, reset per envelope, as each HttpTransport sender has
      Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
      CRC32 crc = new CRC32();
      byte[] out = new byte[8 * 1024];
      try {
        while (true) {
          Envelope e = queue.take();
          try {
            Envelope produced = e.produce();
            if (produced == null) continue;
            byte[] payload = produced.serialize(Instant.now());
            if (keepLast) last = payload;
            crc.reset();
            crc.update(payload, 0, payload.length); // the gzip trailer's checksum
            deflater.reset();
            deflater.setInput(payload);
            deflater.finish();
            int n = 10; // the gzip header
            while (!deflater.finished()) {
              if (n == out.length) out = Arrays.copyOf(out, out.length * 2);
              n += deflater.deflate(out, n, out.length - n);
            }
            count(Arrays.copyOf(out, n + 8).length, 1); // the body HttpTransport posts
          } catch (RuntimeException ignored) {
            // counted as not serialized
          } finally {
            done.incrementAndGet();
          }
        }
      } catch (InterruptedException closed) {
        Thread.currentThread().interrupt();
      } finally {
        deflater.end();
      }
    }

    @Override
    public void send(Envelope envelope) {
      sent.incrementAndGet();
      try {
        queue.put(envelope);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOST.incrementAndGet();
      }
    }

    @Override
    public boolean flush(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (done.get() < sent.get()) {
        if (System.nanoTime() > deadline) return false;
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }

    @Override
    public void recordLostEvent(String reason, String category, long quantity) {
      LOST.addAndGet(quantity);
    }

    @Override
    public void close() {
      sender.interrupt();
    }
  }

  /** OTLP protobuf of each batch, gzipped and discarded; called on the BSP's worker thread. */
  static final class OtlpExporter implements SpanExporter {
    private final LowAllocationTraceRequestMarshaler marshaler = new LowAllocationTraceRequestMarshaler();

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
      marshaler.initialize(spans);
      try {
        if (keepLast) {
          ByteArrayOutputStream raw = new ByteArrayOutputStream(marshaler.getBinarySerializedSize());
          marshaler.writeBinaryTo(raw);
          gzipped(raw.toByteArray(), spans.size());
        } else {
          CountingStream out = new CountingStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            marshaler.writeBinaryTo(gz);
          }
          count((int) out.count, spans.size());
        }
        return CompletableResultCode.ofSuccess();
      } catch (IOException e) {
        return CompletableResultCode.ofFailure();
      } finally {
        marshaler.reset();
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Counts the gzipped bytes and keeps none (the OTLP exporter would stream them to its sender). */
  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

}
