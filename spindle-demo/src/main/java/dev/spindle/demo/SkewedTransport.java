package dev.spindle.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A transport that makes its service look as if its clock ran {@code offset} ahead: every
 * transaction's and span's timestamps are shifted before the envelope goes out. The SDK has no
 * clock hook in its public API ({@code SpanClock} is package-private), so the demo shifts the
 * wire form instead; what Spindle receives is exactly what a machine with a fast clock would send.
 */
final class SkewedTransport implements Transport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transport delegate;
  private final double offsetSeconds;

  SkewedTransport(Transport delegate, Duration offset) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.offsetSeconds = Objects.requireNonNull(offset, "offset").toNanos() / 1e9;
  }

  @Override
  public void send(Envelope envelope) {
    try {
      delegate.send(shift(envelope));
    } catch (RuntimeException | IOException e) {
      delegate.send(envelope); // never lose data because of the demo's skew
    }
  }

  private Envelope shift(Envelope in) throws IOException {
    Envelope.Builder b = Envelope.builder();
    if (in.eventId() != null) b.eventId(in.eventId());
    if (in.dsn() != null) b.dsn(in.dsn());
    if (in.sdkName() != null) b.sdk(in.sdkName(), in.sdkVersion());
    if (in.traceJson() != null) b.traceJson(in.traceJson());
    for (Envelope.Item item : in.items()) {
      byte[] payload = item.payload();
      if (item.type().equals("transaction")) {
        JsonNode event = JSON.readTree(payload);
        shiftTimes(event);
        for (JsonNode span : event.path("spans")) shiftTimes(span);
        payload = JSON.writeValueAsBytes(event);
      }
      if (item.contentType() == null) b.addItem(item.type(), payload);
      else b.addItem(item.type(), item.contentType(), payload);
    }
    return b.build();
  }

  private void shiftTimes(JsonNode node) {
    if (!(node instanceof ObjectNode o)) return;
    for (String field : new String[] {"start_timestamp", "timestamp"}) {
      JsonNode t = o.get(field);
      if (t != null && t.isNumber()) o.put(field, t.asDouble() + offsetSeconds);
    }
  }

  @Override
  public boolean flush(Duration timeout) {
    return delegate.flush(timeout);
  }

  @Override
  public void recordLostEvent(String reason, String category, long quantity) {
    delegate.recordLostEvent(reason, category, quantity);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
