package dev.spindle.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spindle demo}: runs the demo system against a local Spindle.
 *
 * <pre>
 * spindle demo [--dsn DSN | --data ./spindle-data] [--rate 2] [--sample-rate 1.0] [--duration 60s]
 * </pre>
 */
@Command(name = "spindle demo", mixinStandardHelpOptions = true, version = "spindle demo 0.1.0-SNAPSHOT",
    description = {"Starts the seed's example system (page load, submit order, cron job) as real services "
        + "on 127.0.0.1, instrumented with the Spindle SDK, and sends their traces to a local Spindle.",
        "Includes an uninstrumented payment API, a lost hop (an orphan transaction) and a service whose "
        + "clock runs 250 ms ahead."})
public final class DemoMain implements Callable<Integer> {
  private static final Pattern DSN_FIELD = Pattern.compile("\"dsn\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  @Option(names = "--dsn", description = "Where to send (default: the DSN in <data>/bootstrap.json).")
  String dsn;

  @Option(names = "--data", defaultValue = "./spindle-data",
      description = "Spindle's data folder, to read bootstrap.json from (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--rate", defaultValue = "2", description = "Operations per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--sample-rate", defaultValue = "1.0",
      description = "Share of traces sampled at their head, 0..1 (default: ${DEFAULT-VALUE}).")
  double sampleRate;

  @Option(names = "--duration", defaultValue = "60s",
      description = "How long to run: 90, 90s, 2m, 1h, 500ms (default: ${DEFAULT-VALUE}).")
  String duration;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Duration d;
    String target;
    try {
      d = parseDuration(duration);
      target = dsn != null ? dsn : dsnFrom(data);
      if (!(rate > 0 && rate <= 1000)) throw new IllegalArgumentException("--rate: " + rate + " (expected: > 0 and <= 1000)");
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    try (Demo demo = Demo.start(target, sampleRate)) {
      System.out.println("Spindle demo: 9 services, a browser and a cron on 127.0.0.1, sending to " + redact(target));
      System.out.println("  " + rate + " operations/s, sample rate " + sampleRate + ", for " + duration
          + ". Open " + uiUrl(target) + " to see the traces.");
      Demo.Stats s = demo.run(rate, d, System.out);
      boolean delivered = demo.flush(Duration.ofSeconds(10));
      System.out.println("Done: " + s.pageLoads() + " page loads, " + s.orders() + " orders, "
          + s.cronJobs() + " cron jobs, " + s.failures() + " failed"
          + (delivered ? "." : "; some traces were not delivered (is Spindle running?)."));
      return s.failures() == 0 ? 0 : 1;
    }
  }

  /** The DSN written by the server's first start into {@code <data>/bootstrap.json}. */
  static String dsnFrom(Path dataDir) {
    Path file = dataDir.resolve("bootstrap.json");
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("no --dsn and cannot read " + file
          + " (start Spindle first: bin/spindle serve, or pass --dsn)");
    }
    Matcher m = DSN_FIELD.matcher(json);
    if (!m.find()) throw new IllegalArgumentException(file + ": no \"dsn\" field; pass --dsn");
    return m.group(1);
  }

  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) throw new IllegalArgumentException("--duration: " + text + " (expected: e.g. 60s, 2m, 500ms)");
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.isZero()) throw new IllegalArgumentException("--duration: " + text + " (expected: > 0)");
    return d;
  }

  /** The server's base URL, where the UI is, from the DSN. */
  static String uiUrl(String dsn) {
    dev.spindle.protocol.Dsn d = dev.spindle.protocol.Dsn.parse(dsn);
    return d.scheme() + "://" + (d.host().contains(":") ? "[" + d.host() + "]" : d.host())
        + (d.port() > 0 ? ":" + d.port() : "") + "/";
  }

  /** The DSN without its public key, for printing. */
  static String redact(String dsn) {
    return dsn.replaceFirst("//[^@/]*@", "//");
  }
}
