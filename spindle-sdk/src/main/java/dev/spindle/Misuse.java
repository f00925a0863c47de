package dev.spindle;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wrong calls from the application (a null name, a null exception): the SDK never throws them
 * back. Each kind is logged once at WARNING, later ones at DEBUG, and counted for the process.
 */
final class Misuse {
  private static final System.Logger LOG = System.getLogger("dev.spindle");
  private static final ConcurrentHashMap<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private Misuse() {}

  /** Records one wrong call, such as {@code "setTag with a null key"}. */
  static void report(String what) {
    long n = COUNTS.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    if (n == 1) {
      LOG.log(Level.WARNING, "Spindle ignored {0} (reported once; later ones at DEBUG)", what);
    } else {
      LOG.log(Level.DEBUG, "Spindle ignored {0} ({1} times)", what, n);
    }
  }

  /** How many times {@code what} was reported in this process. */
  static long count(String what) {
    AtomicLong n = COUNTS.get(what);
    return n == null ? 0 : n.get();
  }
}
