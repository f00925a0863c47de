package dev.spindle;

/** How severe an error event or a breadcrumb is; Sentry's {@code level} values. */
public enum EventLevel {
  FATAL("fatal"),
  ERROR("error"),
  WARNING("warning"),
  INFO("info"),
  DEBUG("debug");

  private final String protocolName;

  EventLevel(String protocolName) {
    this.protocolName = protocolName;
  }

  /** The value sent in {@code level}. */
  public String protocolName() {
    return protocolName;
  }
}
