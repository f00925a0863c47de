package dev.spindle.demo;

/**
 * SQL functions of the demo's database service, registered with H2 ({@code CREATE ALIAS}). Public
 * only because H2 calls them by reflection; not an API.
 */
public final class SlowSql {
  /** How long the auth check takes: it dominates the page load, as in the seed's example. */
  static final long AUTH_MILLIS = 150;

  private SlowSql() {}

  /** A deliberately slow session check (an unindexed scan, a password hash...). Returns 1. */
  public static int authCheck(String token) throws InterruptedException {
    Thread.sleep(AUTH_MILLIS);
    return token == null ? 0 : 1;
  }
}
