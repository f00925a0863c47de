package dev.spindle.storage;

/**
 * The service map and its propagation health: which service calls which, and where trace
 * context is lost on the way (see {@link ServiceMap} for what each figure means).
 */
public interface ServiceMapReader {
  /** The services and calls of {@code q}'s period; empty lists when nothing happened in it. */
  ServiceMap serviceMap(ServiceMapQuery q);
}
