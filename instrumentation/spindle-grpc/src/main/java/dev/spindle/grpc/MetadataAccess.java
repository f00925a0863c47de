package dev.spindle.grpc;

import dev.spindle.propagation.Propagation;
import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Trace headers in gRPC {@link Metadata} (ASCII values). Writing replaces every value of that
 * key, so {@code baggage} stays one entry.
 */
enum MetadataAccess implements Propagation.Getter<Metadata>, Propagation.Setter<Metadata> {
  INSTANCE;

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  @Override
  public String get(Metadata metadata, String name) {
    return metadata.get(key(name));
  }

  @Override
  public List<String> getAll(Metadata metadata, String name) {
    Iterable<String> values = metadata.getAll(key(name));
    if (values == null) return List.of();
    List<String> out = new ArrayList<>(1);
    values.forEach(out::add);
    return out;
  }

  @Override
  public void set(Metadata metadata, String name, String value) {
    Metadata.Key<String> k = key(name);
    metadata.discardAll(k);
    metadata.put(k, value);
  }
}
