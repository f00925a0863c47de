package dev.spindle.storage.discover;

import java.util.Locale;
import java.util.Optional;

/** What a Discover query reads: transactions (the root span of each) or every span. */
public enum Dataset {
  TRANSACTIONS, SPANS;

  /** {@code transactions} or {@code spans}, case-insensitive. */
  public static Optional<Dataset> byName(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "transactions": return Optional.of(TRANSACTIONS);
      case "spans": return Optional.of(SPANS);
      default: return Optional.empty();
    }
  }
}
