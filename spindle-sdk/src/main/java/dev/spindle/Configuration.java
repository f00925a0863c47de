package dev.spindle;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The options code did not set, from (first found wins) system properties {@code spindle.<key>},
 * environment variables {@code SPINDLE_<KEY>} (upper case, {@code -} as {@code _}) and the
 * properties file: the one named by {@code spindle.config} / {@code SPINDLE_CONFIG}, else
 * {@code spindle.properties} on the classpath, with the plain keys. The keys are listed in
 * {@link SpindleOptions}. A value that does not parse is logged once, counted ({@link Misuse})
 * and ignored.
 */
final class Configuration {
  /** The file on the classpath read when none is named. */
  static final String FILE = "spindle.properties";

  private record Option(String key, BiConsumer<SpindleOptions, String> apply) {}

  private static final List<Option> OPTIONS = List.of(
      new Option("enabled", (o, v) -> o.setEnabled(bool(v))),
      new Option("dsn", SpindleOptions::setDsn),
      new Option("release", SpindleOptions::setRelease),
      new Option("environment", SpindleOptions::setEnvironment),
      new Option("server-name", SpindleOptions::setServerName),
      new Option("traces-sample-rate", (o, v) -> o.setTracesSampleRate(number(v, Double::valueOf))),
      new Option("trace-propagation-targets", (o, v) -> o.setTracePropagationTargets(list(v))),
      new Option("propagate-traceparent", (o, v) -> o.setPropagateTraceparent(bool(v))),
      new Option("propagate-sentry-headers", (o, v) -> o.setPropagateSentryHeaders(bool(v))),
      new Option("max-spans", (o, v) -> o.setMaxSpans(number(v, Integer::valueOf))),
      new Option("send-default-pii", (o, v) -> o.setSendDefaultPii(bool(v))),
      new Option("max-queue-size", (o, v) -> o.setMaxQueueSize(number(v, Integer::valueOf))),
      new Option("spool-dir", (o, v) -> o.setSpoolDirectory(path(v))),
      new Option("spool-max-bytes", (o, v) -> o.setSpoolMaxBytes(number(v, Long::valueOf))),
      new Option("shutdown-timeout-ms",
          (o, v) -> o.setShutdownTimeout(Duration.ofMillis(number(v, Long::valueOf)))),
      new Option("open-children-timeout-ms",
          (o, v) -> o.setOpenChildrenTimeout(Duration.ofMillis(number(v, Long::valueOf)))),
      new Option("org-id", SpindleOptions::setOrgId),
      new Option("strict-trace-continuation", (o, v) -> o.setStrictTraceContinuation(bool(v))),
      new Option("in-app-includes", (o, v) -> o.setInAppIncludes(list(v))),
      new Option("in-app-excludes", (o, v) -> o.setInAppExcludes(list(v))),
      new Option("uncaught-exception-handler", (o, v) -> o.setUncaughtExceptionHandler(bool(v))));

  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;
  private final ClassLoader classLoader;

  Configuration(Function<String, String> systemProperties, Function<String, String> environment,
      ClassLoader classLoader) {
    this.systemProperties = systemProperties;
    this.environment = environment;
    this.classLoader = classLoader;
  }

  /** This process's system properties, environment and classpath. */
  static Configuration ofProcess() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return new Configuration(System::getProperty, System::getenv,
        cl != null ? cl : Configuration.class.getClassLoader());
  }

  /** The name of {@code key} as an environment variable: {@code SPINDLE_TRACES_SAMPLE_RATE}. */
  static String envName(String key) {
    return "SPINDLE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * The tracer's options: a copy of {@code code} with every option it did not set taken from the
   * first source that has it, frozen.
   */
  SpindleOptions resolve(SpindleOptions code) {
    SpindleOptions resolved = code.copy();
    File file = null;
    for (Option option : OPTIONS) {
      if (code.isSetInCode(option.key)) continue;
      String where = "spindle." + option.key;
      String value = systemProperties.apply(where);
      if (value == null) {
        where = envName(option.key);
        value = environment.apply(where);
      }
      if (value == null) {
        if (file == null) file = file();
        where = option.key + " in " + file.name;
        value = file.values.getProperty(option.key);
      }
      if (value == null || value.isBlank()) continue;
      try {
        option.apply.accept(resolved, value.trim());
      } catch (IllegalArgumentException e) { // NumberFormatException, InvalidPathException, bool
        Misuse.report(where + "=" + value.trim() + " (expected: " + e.getMessage()
            + "); the default is kept");
      }
    }
    return resolved.freeze();
  }

  private record File(String name, Properties values) {}

  /** The file named by {@code spindle.config}, else {@code spindle.properties} if on the classpath. */
  private File file() {
    String named = systemProperties.apply("spindle.config");
    if (named == null) named = environment.apply("SPINDLE_CONFIG");
    String name = named == null || named.isBlank() ? FILE : named.trim();
    Properties p = new Properties();
    try (InputStream in = name.equals(FILE) ? classLoader.getResourceAsStream(FILE)
        : Files.newInputStream(Paths.get(name))) {
      if (in != null) p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      Misuse.report("the configuration file " + name + " could not be read ("
          + e.getClass().getSimpleName() + "); it is ignored");
      p.clear();
    }
    return new File(name, p);
  }

  private static boolean bool(String v) {
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException("true or false");
  }

  private static <T> T number(String v, Function<String, T> parser) {
    try {
      return parser.apply(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a number");
    }
  }

  private static Path path(String v) {
    try {
      return Paths.get(v);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("a path");
    }
  }

  private static List<String> list(String v) {
    List<String> items = new ArrayList<>();
    for (String t : v.split(",")) if (!t.isBlank()) items.add(t.trim());
    return items;
  }
}
