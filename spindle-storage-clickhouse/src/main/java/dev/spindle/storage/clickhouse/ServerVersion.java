package dev.spindle.storage.clickhouse;

/**
 * A ClickHouse server version, from {@code SELECT version()}, and what it can do. Debian ships
 * 18.16, which lacks TTL, column codecs, skip indexes, DateTime64 and LowCardinality without a
 * setting; current servers have all of them.
 */
record ServerVersion(int major, int minor) {
  /** Parses {@code 18.16.1}, {@code 24.8.4.13}... */
  static ServerVersion parse(String text) {
    String[] parts = text.trim().split("\\.");
    try {
      return new ServerVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("version: '" + text + "' (expected: major.minor...)", e);
    }
  }

  /**
   * Whether the server has TTL, codecs, skip indexes (bloom filters) and LowCardinality by
   * default: 20.3 and later (the first long-term support release with all of them).
   */
  boolean modern() {
    return major > 20 || (major == 20 && minor >= 3);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
