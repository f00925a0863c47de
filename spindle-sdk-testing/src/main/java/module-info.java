/** Spindle's testing kit: {@code InMemoryTransport}, {@code ManualClock}, {@code SpindleExtension}. */
module dev.spindle.testing {
  requires transitive dev.spindle;
  requires static transitive org.junit.jupiter.api; // provided: only SpindleExtension needs it

  exports dev.spindle.testing;
}
