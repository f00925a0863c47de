package dev.spindle.springbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What traces the application. All variants share one classpath (Spring Boot 4.0.7, Tomcat, the
 * Spindle starter, Boot's Micrometer Tracing + OpenTelemetry modules, the OTLP exporter); each
 * turns off the others' auto-configurations by package ({@code spring.autoconfigure.exclude}).
 * Every tracing variant records every request (sample rate 1.0) and serializes it in the process
 * ({@link InProcessExport}) or sends it with the real exporters to {@link Sink}.
 */
enum Variant {
  /** No tracer at all: Spring's observations run on a registry without handlers (no-ops). */
  NONE(List.of(Packages.SPINDLE, Packages.BOOT_TRACING, Packages.BOOT_OTEL)),
  /**
   * The Spindle starter as an application without Micrometer Tracing has it: its servlet filter
   * makes one transaction per request; {@code HttpTransport} sends one envelope per transaction.
   */
  SPINDLE(List.of(Packages.SPINDLE_BRIDGE, Packages.BOOT_TRACING, Packages.BOOT_OTEL)),
  /**
   * The Spindle starter with Micrometer Tracing present: the same transaction, plus the bridge as
   * Micrometer's tracer, Boot's tracing handlers, and Spring's HTTP server observation (which the
   * starter keeps from making a second span).
   */
  SPINDLE_BRIDGE(List.of(Packages.BOOT_TRACING_OTEL, Packages.BOOT_OTEL)),
  /**
   * Micrometer Tracing + {@code micrometer-tracing-bridge-otel} + the OpenTelemetry SDK as Boot
   * configures them: Spring's HTTP server observation makes one server span per request;
   * Boot's {@code BatchSpanProcessor} (defaults) hands batches to the OTLP/HTTP exporter.
   */
  OTEL(List.of(Packages.SPINDLE));

  /** A DSN's public key; the sink accepts anything. */
  private static final String KEY = "0123456789abcdef0123456789abcdef";

  private final List<String> excludedPackages;

  Variant(List<String> excludedPackages) {
    this.excludedPackages = excludedPackages;
  }

  /** {@code none}, {@code spindle}, {@code spindleBridge}, {@code otel} (the JMH parameter). */
  static Variant of(String name) {
    for (Variant v : values()) {
      if (v.parameter().equals(name)) return v;
    }
    throw new IllegalArgumentException("variant " + name + " (expected: none, spindle, spindleBridge, otel)");
  }

  String parameter() {
    return switch (this) {
      case NONE -> "none";
      case SPINDLE -> "spindle";
      case SPINDLE_BRIDGE -> "spindleBridge";
      case OTEL -> "otel";
    };
  }

  boolean spindle() {
    return this == SPINDLE || this == SPINDLE_BRIDGE;
  }

  /**
   * The Spring properties of this variant, exporting over HTTP to {@code sinkUrl}
   * ({@code http://127.0.0.1:port}), or in the process when it is null.
   */
  List<String> properties(String sinkUrl) {
    List<String> p = new ArrayList<>();
    p.add("spring.autoconfigure.exclude=" + String.join(",", excluded()));
    p.add(ItemsApp.IN_PROCESS + "=" + (sinkUrl == null));
    if (spindle()) {
      String server = sinkUrl == null ? "http://127.0.0.1:9" : sinkUrl; // never contacted in the process
      p.add("spindle.dsn=" + server.replace("://", "://" + KEY + "@") + "/1");
      p.add("spindle.traces-sample-rate=1.0");
    }
    if (this == OTEL) {
      p.add("management.tracing.sampling.probability=1.0");
      if (sinkUrl != null) {
        p.add("management.opentelemetry.tracing.export.otlp.endpoint=" + sinkUrl + "/v1/traces");
        p.add("management.opentelemetry.tracing.export.otlp.compression=gzip");
      }
    }
    return p;
  }

  /** The auto-configurations on the classpath in this variant's excluded packages. */
  List<String> excluded() {
    List<String> excluded = new ArrayList<>();
    for (String candidate : autoConfigurations()) {
      for (String pkg : excludedPackages) {
        if (candidate.startsWith(pkg)) excluded.add(candidate);
      }
    }
    return excluded;
  }

  private static List<String> autoConfigurations() {
    List<String> names = new ArrayList<>();
    try {
      for (URL url : Collections.list(Variant.class.getClassLoader().getResources(
          "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))) {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
          r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(names::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  private static final class Packages {
    static final String SPINDLE = "dev.spindle.spring.boot.";
    /** The starter's Micrometer Tracing bridge (one class). */
    static final String SPINDLE_BRIDGE = "dev.spindle.spring.boot.SpindleMicrometerTracingAutoConfiguration";
    /** Micrometer Tracing's auto-configuration (tracer handlers, no-op tracer, propagation, ...). */
    static final String BOOT_TRACING = "org.springframework.boot.micrometer.tracing.";
    /** The OpenTelemetry tracer, span processors and exporters. */
    static final String BOOT_TRACING_OTEL = "org.springframework.boot.micrometer.tracing.opentelemetry.";
    /** The OpenTelemetry SDK and resource. */
    static final String BOOT_OTEL = "org.springframework.boot.opentelemetry.";

    private Packages() {}
  }
}
