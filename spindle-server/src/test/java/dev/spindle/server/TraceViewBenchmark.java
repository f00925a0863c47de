package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a timed test (it asserts nothing about speed): how long the trace view takes
 * to show a 10 000-span trace in headless Chromium, from the start of the fetch to the first frame
 * after the waterfall rendered, and how long a scroll jump takes to paint. Run it with
 * {@code mvn -B -q -pl spindle-server -am test -Dtest=TraceViewBenchmark -Dspindle.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}; results go to target/benchmarks/trace-view.txt.
 */
@EnabledIfSystemProperty(named = "spindle.bench", matches = "true")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TraceViewBenchmark {
  static final int SPANS = 10_000;
  static final int RUNS = 10;

  @TempDir Path dir;

  @Test
  void renderTenThousandSpans() throws Exception {
    Browser.assumeChromium();
    try (TestServer ts = new TestServer(SpindleServer.builder().port(0).dataDir(dir)
            .maxItemBytes(16L * 1024 * 1024).maxEnvelopeBytes(32L * 1024 * 1024));
        Browser b = new Browser(1400, 900)) {
      String traceId = new UiFixture(ts).seedLargeTrace(SPANS);
      b.driver.get(ts.base + "/");
      b.find("#signin input[name=token]").sendKeys(ts.token);
      b.find("#signin button[type=submit]").click();
      b.find("header.top");
      List<Double> total = new ArrayList<>();
      List<Double> fetch = new ArrayList<>();
      List<Double> build = new ArrayList<>();
      List<Double> scroll = new ArrayList<>();
      for (int i = 0; i < RUNS + 2; i++) {
        b.driver.get(ts.base + "/#/errors?project=1");
        b.find("main h1");
        b.js("window.__spindleTrace = null");
        b.driver.get(ts.base + "/#/trace/" + traceId + "?project=1");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) b.until(d -> b.js("return window.__spindleTrace"), "the trace view");
        assertEquals((long) SPANS, ((Number) m.get("spans")).longValue());
        Object frame = b.driver.executeAsyncScript("const done = arguments[0];"
            + "const el = document.getElementById('waterfall'); const t = performance.now();"
            + "el.scrollTop = el.scrollHeight / 2; el.dispatchEvent(new Event('scroll'));"
            + "requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));");
        if (i < 2) continue; // warm-up
        total.add(((Number) m.get("totalMs")).doubleValue());
        fetch.add(((Number) m.get("fetchMs")).doubleValue());
        build.add(((Number) m.get("buildMs")).doubleValue());
        scroll.add(((Number) frame).doubleValue());
      }
      String report = String.format(Locale.ROOT,
          "trace view, %d spans, headless Chromium, %d runs after 2 warm-ups (median / max ms):%n"
              + "  fetch + parse JSON     %7.1f / %7.1f%n"
              + "  build tree             %7.1f / %7.1f%n"
              + "  fetch to first frame   %7.1f / %7.1f%n"
              + "  scroll jump to paint   %7.1f / %7.1f%n",
          SPANS, RUNS, median(fetch), max(fetch), median(build), max(build), median(total), max(total),
          median(scroll), max(scroll));
      Path out = Paths.get("target", "benchmarks", "trace-view.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.print(report);
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  static double max(List<Double> xs) {
    return Collections.max(xs);
  }
}
