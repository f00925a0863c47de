package dev.spindle;

/**
 * One service's part of a trace: the root span of a tree of spans, with a name. A transaction is
 * sent as one unit when it finishes, together with its finished child spans.
 */
public interface Transaction extends Span {
  /** The transaction name: a route, a task name, a page. */
  String name();

  TransactionSource source();

  /** Renames the transaction; the source tells the server how good the name is. */
  Transaction setName(String name, TransactionSource source);

  /** Same as {@code setName(name, TransactionSource.CUSTOM)}. */
  default Transaction setName(String name) {
    return setName(name, TransactionSource.CUSTOM);
  }

  /** A measurement such as {@code setMeasurement("memory", 1024, "byte")}. */
  Transaction setMeasurement(String name, double value, String unit);

  /** The sample rate that decided this transaction, or null when none applied. */
  Double sampleRate();
}
