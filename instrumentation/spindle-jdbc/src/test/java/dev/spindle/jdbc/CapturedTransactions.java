package dev.spindle.jdbc;

import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.TransactionData;
import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A tracer that samples everything and keeps each finished transaction instead of sending it. */
final class CapturedTransactions implements AutoCloseable {
  final LinkedBlockingQueue<TransactionData> finished = new LinkedBlockingQueue<>();
  final Tracer tracer;

  CapturedTransactions(double sampleRate) {
    tracer = Tracer.create(new SpindleOptions()
        .setTracesSampleRate(sampleRate)
        .setBeforeSendTransaction(data -> {
          finished.add(data);
          return null;
        })
        .setTransport(new ProducingTransport()));
  }

  /** The next finished transaction; fails after 10 seconds. */
  TransactionData take() throws InterruptedException {
    TransactionData data = finished.poll(10, TimeUnit.SECONDS);
    if (data == null) throw new AssertionError("no transaction finished within 10 s");
    return data;
  }

  @Override
  public void close() {
    tracer.close();
  }

  /** Produces each envelope's payload at once, which runs beforeSendTransaction, and keeps nothing. */
  private static final class ProducingTransport implements Transport {
    @Override public void send(Envelope envelope) { envelope.produce(); }
    @Override public boolean flush(Duration timeout) { return true; }
    @Override public void recordLostEvent(String reason, String category, long quantity) {}
    @Override public void close() {}
  }
}
