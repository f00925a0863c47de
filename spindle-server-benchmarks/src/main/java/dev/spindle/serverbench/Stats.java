package dev.spindle.serverbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Percentiles and machine facts for the reports. */
final class Stats {
  private Stats() {}

  /** The nearest-rank percentile {@code p} (0..100) of sorted values; NaN when empty. */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static long[] sorted(long[] values, int n) {
    long[] s = Arrays.copyOf(values, n);
    Arrays.sort(s);
    return s;
  }

  /** The 1-minute load average from {@code /proc/loadavg}, or "?" elsewhere. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** CPU seconds (user + system) used so far by process {@code pid}, from /proc; NaN if unknown. */
  static double cpuSeconds(long pid) {
    if (pid <= 0) return Double.NaN;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after the command: state is field 3, utime field 14, stime field 15 (1-based, whole line)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** CPU seconds used so far by the processes, added up; NaN if one is unknown or none given. */
  static double cpuSeconds(long[] pids) {
    if (pids.length == 0) return Double.NaN;
    double sum = 0;
    for (long p : pids) sum += cpuSeconds(p);
    return sum;
  }

  static double ms(double nanos) {
    return nanos / 1e6;
  }
}
