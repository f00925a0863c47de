package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.propagation.Propagation;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options from code, system properties, the environment and the properties file, in that order. */
class ConfigurationTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final ClassLoader NO_FILE = new URLClassLoader(new URL[0], null);

  @TempDir Path dir;

  private static Configuration config(Map<String, String> sysprops, Map<String, String> env,
      ClassLoader classpath) {
    return new Configuration(sysprops::get, env::get, classpath);
  }

  private ClassLoader classpathWith(String properties) throws IOException {
    Files.writeString(dir.resolve(Configuration.FILE), properties);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
  }

  @Test
  void codeWinsOverSystemPropertiesOverEnvironmentOverTheFile() throws IOException {
    ClassLoader file = classpathWith("""
        release=from-file
        environment=from-file
        server-name=from-file
        max-spans=7
        """);
    Map<String, String> env = Map.of("SPINDLE_RELEASE", "from-env", "SPINDLE_ENVIRONMENT", "from-env",
        "SPINDLE_SERVER_NAME", "from-env");
    Map<String, String> sysprops = Map.of("spindle.release", "from-sysprop",
        "spindle.environment", "from-sysprop");
    SpindleOptions o = config(sysprops, env, file).resolve(new SpindleOptions().setRelease("from-code"));
    assertEquals("from-code", o.getRelease());
    assertEquals("from-sysprop", o.getEnvironment());
    assertEquals("from-env", o.getServerName());
    assertEquals(7, o.getMaxSpans());
  }

  @Test
  void readsEveryOptionFromTheEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("SPINDLE_DSN", " http://k@127.0.0.1:8790/1 ");
    env.put("SPINDLE_TRACES_SAMPLE_RATE", "0.25");
    env.put("SPINDLE_TRACE_PROPAGATION_TARGETS", "api.internal, ^https://x/.*");
    env.put("SPINDLE_PROPAGATE_TRACEPARENT", "FALSE");
    env.put("SPINDLE_PROPAGATE_SENTRY_HEADERS", "false");
    env.put("SPINDLE_MAX_SPANS", "50");
    env.put("SPINDLE_SEND_DEFAULT_PII", "true");
    env.put("SPINDLE_MAX_QUEUE_SIZE", "20");
    env.put("SPINDLE_SPOOL_DIR", "spool");
    env.put("SPINDLE_SPOOL_MAX_BYTES", "4096");
    env.put("SPINDLE_SHUTDOWN_TIMEOUT_MS", "500");
    env.put("SPINDLE_OPEN_CHILDREN_TIMEOUT_MS", "600");
    env.put("SPINDLE_ORG_ID", "17");
    env.put("SPINDLE_STRICT_TRACE_CONTINUATION", "true");
    env.put("SPINDLE_ENABLED", "true");
    SpindleOptions o = config(Map.of(), env, NO_FILE).resolve(new SpindleOptions());
    assertEquals("http://k@127.0.0.1:8790/1", o.getDsn());
    assertEquals(0.25, o.getTracesSampleRate());
    assertEquals(List.of("api.internal", "^https://x/.*"), o.getTracePropagationTargets());
    assertFalse(o.isPropagateTraceparent());
    assertFalse(o.isPropagateSentryHeaders());
    assertEquals(50, o.getMaxSpans());
    assertTrue(o.isSendDefaultPii());
    assertEquals(20, o.getMaxQueueSize());
    assertEquals(Paths.get("spool"), o.getSpoolDirectory());
    assertEquals(4096, o.getSpoolMaxBytes());
    assertEquals(Duration.ofMillis(500), o.getShutdownTimeout());
    assertEquals(Duration.ofMillis(600), o.getOpenChildrenTimeout());
    assertEquals("17", o.getOrgId());
    assertTrue(o.isStrictTraceContinuation());
    assertTrue(o.isEnabled());
  }

  @Test
  void aFileNamedBySpindleConfigReplacesTheClasspathFile() throws IOException {
    ClassLoader classpath = classpathWith("release=from-classpath\n");
    Path named = Files.writeString(dir.resolve("other.properties"), "release=from-named\n");
    assertEquals("from-named", config(Map.of("spindle.config", named.toString()), Map.of(), classpath)
        .resolve(new SpindleOptions()).getRelease());
    assertEquals("from-named", config(Map.of(), Map.of("SPINDLE_CONFIG", named.toString()), classpath)
        .resolve(new SpindleOptions()).getRelease());
    String missing = dir.resolve("missing.properties").toString();
    SpindleOptions o = config(Map.of("spindle.config", missing), Map.of(), classpath)
        .resolve(new SpindleOptions());
    assertNull(o.getRelease(), "a missing named file is reported, and the classpath one not read");
    assertEquals(1, Misuse.count("the configuration file " + missing
        + " could not be read (NoSuchFileException); it is ignored"));
  }

  @Test
  void badValuesAreReportedOnceAndTheDefaultKept() {
    Map<String, String> env = Map.of(
        "SPINDLE_TRACES_SAMPLE_RATE", "lots",
        "SPINDLE_MAX_SPANS", "1e3",
        "SPINDLE_SPOOL_MAX_BYTES", "-5",
        "SPINDLE_SHUTDOWN_TIMEOUT_MS", "soon",
        "SPINDLE_SEND_DEFAULT_PII", "yes",
        "SPINDLE_PROPAGATE_TRACEPARENT", "0",
        "SPINDLE_ENABLED", "off");
    Map<String, String> sysprops = Map.of("spindle.traces-sample-rate", "2");
    SpindleOptions o = null;
    for (int i = 0; i < 3; i++) o = config(sysprops, env, NO_FILE).resolve(new SpindleOptions());
    assertNull(o.getTracesSampleRate());
    assertEquals(SpindleOptions.DEFAULT_MAX_SPANS, o.getMaxSpans());
    assertEquals(SpindleOptions.DEFAULT_SPOOL_MAX_BYTES, o.getSpoolMaxBytes());
    assertEquals(SpindleOptions.DEFAULT_SHUTDOWN_TIMEOUT, o.getShutdownTimeout());
    assertFalse(o.isSendDefaultPii(), "yes is not a boolean here: the default stays");
    assertTrue(o.isPropagateTraceparent(), "0 is not a boolean here: the default stays");
    assertTrue(o.isEnabled(), "off is not a boolean here: the default stays");
    assertEquals(3, Misuse.count("SPINDLE_ENABLED=off (expected: true or false); the default is kept"));
    assertEquals(3, Misuse.count("SPINDLE_MAX_SPANS=1e3 (expected: a number); the default is kept"));
    assertTrue(Misuse.count("tracesSampleRate: 2.0 (expected: 0.0..1.0); the option keeps its value") >= 3);
    assertTrue(Misuse.count("spoolMaxBytes: -5 (expected: >= 0); the option keeps its value") >= 3);
  }

  @Test
  void anInvalidDsnSendsNothingAndDoesNotThrow() {
    try (Tracer t = Tracer.create(new SpindleOptions().setDsn("not a dsn").setTracesSampleRate(1.0),
        config(Map.of(), Map.of(), NO_FILE))) {
      t.startTransaction("tx", "op").finish();
      assertTrue(t.options().getDsn().equals("not a dsn"));
    }
  }

  @Test
  void nullOptionsMeanTheDefaults() {
    try (Tracer t = Tracer.create(null, config(Map.of(), Map.of("SPINDLE_RELEASE", "r"), NO_FILE))) {
      assertEquals("r", t.options().getRelease());
    }
    assertTrue(Misuse.count("Tracer.create(null); using the defaults") >= 1);
  }

  @Test
  void theTracersOptionsAreASnapshot() {
    SpindleOptions code = new SpindleOptions().setTracesSampleRate(1.0).setMaxSpans(10);
    CapturingTransport transport = new CapturingTransport();
    try (Tracer t = Tracer.create(code.setTransport(transport), config(Map.of(), Map.of(), NO_FILE))) {
      code.setMaxSpans(1).setTracesSampleRate(0.0); // the caller's object: no effect on the tracer
      assertEquals(10, t.options().getMaxSpans());
      t.options().setMaxSpans(2);
      assertEquals(10, t.options().getMaxSpans(), "the tracer's options do not change");
      assertTrue(Misuse.count("a change of a started tracer's options (max-spans); they are fixed at start") >= 1);

      assertTrue(t.startTransaction("a", "op").isRecording());
      t.setTracesSampleRate(0.0);
      assertFalse(t.startTransaction("b", "op").isRecording(), "the rate changes through the tracer");
      assertEquals(0.0, t.tracesSampleRate());
      t.setTracesSampleRate(7.0);
      assertEquals(0.0, t.tracesSampleRate(), "an invalid rate is ignored");
      assertEquals(1.0, t.options().getTracesSampleRate(), "options() stays what the tracer started with");
    }
  }

  @Test
  void disabledRecordsNothingAndPassesIncomingHeadersOnUnchanged() {
    Map<String, String> incoming = Map.of(
        "sentry-trace", TRACE + "-00f067aa0ba902b7-1",
        "baggage", "sentry-trace_id=" + TRACE + ",sentry-sample_rate=0.5,sentry-sampled=true,"
            + "sentry-sample_rand=0.25",
        "traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01");
    CapturingTransport transport = new CapturingTransport();
    try (Tracer t = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport),
        config(Map.of(), Map.of("SPINDLE_ENABLED", "false"), NO_FILE))) {
      assertFalse(t.isEnabled());
      Transaction tx = t.continueTrace(incoming, Propagation.mapGetter(), "GET /", "http.server",
          TransactionSource.ROUTE);
      assertFalse(tx.isRecording());
      Span child = tx.startChild("http.client", "GET /next");
      Map<String, String> outgoing = new HashMap<>();
      t.inject(child, outgoing, Propagation.mapSetter());
      assertEquals(incoming.get("sentry-trace"), outgoing.get("sentry-trace"));
      assertEquals(incoming.get("traceparent"), outgoing.get("traceparent"));
      assertEquals(members(incoming.get("baggage")),
          members(outgoing.get("baggage")));
      child.finish();
      tx.finish();
      t.setTag("k", "v");
      t.captureException(new IllegalStateException("not sent"));

      Transaction fresh = t.startTransaction("job", "task");
      Map<String, String> none = new HashMap<>();
      t.inject(fresh.startChild("db", "q"), none, Propagation.mapSetter());
      assertTrue(none.isEmpty(), "nothing came in, nothing goes out: " + none);
    }
    assertTrue(transport.envelopes.isEmpty(), "a disabled tracer does not use the transport");
  }

  private static java.util.Set<String> members(String baggage) {
    return java.util.Set.of(baggage.split(","));
  }

  @Test
  void everyInitPathReadsTheOtherSources() {
    System.setProperty("spindle.release", "from-sysprop");
    try {
      try (Tracer t = Tracer.create(new SpindleOptions())) {
        assertEquals("from-sysprop", t.options().getRelease());
      }
      assertEquals("from-sysprop", Spindle.init(new SpindleOptions()).options().getRelease());
      assertEquals("from-code", Spindle.init(o -> o.setRelease("from-code")).options().getRelease());
      Tracer initialized = Spindle.init(o -> { });
      assertSame(initialized, Spindle.tracer());
      assertEquals("from-sysprop", Spindle.tracer().options().getRelease());
    } finally {
      Spindle.close();
      System.clearProperty("spindle.release");
    }
  }
}
