package dev.spindle.kafka;

import dev.spindle.propagation.Propagation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Trace headers in Kafka record {@link Headers}, as UTF-8 bytes. Writing replaces every header of
 * that name, so {@code baggage} stays one header.
 */
enum KafkaHeaders implements Propagation.Getter<Headers>, Propagation.Setter<Headers> {
  INSTANCE;

  @Override
  public String get(Headers headers, String key) {
    Header h = headers == null ? null : headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public List<String> getAll(Headers headers, String key) {
    if (headers == null) return List.of();
    List<String> values = new ArrayList<>(1);
    for (Header h : headers.headers(key)) {
      if (h.value() != null) values.add(new String(h.value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  @Override
  public void set(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
