package dev.spindle;

/**
 * Where a transaction's name came from. Names of low quality ({@link #URL}) are not put in the
 * dynamic sampling context, and the server may sanitize them.
 */
public enum TransactionSource {
  /** Set by the user. */
  CUSTOM("custom"),
  /** A raw URL path, possibly with ids in it. */
  URL("url"),
  /** A parametrized route such as {@code /users/{id}}. */
  ROUTE("route"),
  /** The name of a view or controller. */
  VIEW("view"),
  /** The name of a component. */
  COMPONENT("component"),
  /** The name of a background task. */
  TASK("task");

  private final String protocolName;

  TransactionSource(String protocolName) {
    this.protocolName = protocolName;
  }

  /** The name sent in {@code transaction_info.source}. */
  public String protocolName() {
    return protocolName;
  }
}
