package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The Services page in a real browser: three services traced by Spindle's SDK, ui-a calling ui-b
 * with trace headers and ui-c without them. The map is drawn, the edge table shows ui-a -> ui-c
 * lost, and its example leads to the caller's trace, where the client span is marked "context
 * lost", and from there to the trace that started in its place, which names the call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServicesBrowserTest {
  @TempDir static Path dir;
  TestServer ts;
  Browser b;
  String continuedTrace;

  @BeforeAll
  void start() throws Exception {
    Browser.assumeChromium();
    ts = new TestServer(SpindleServer.builder().port(0).bind("127.0.0.1").dataDir(dir));
    seed();
    b = new Browser(1400, 900);
  }

  @AfterAll
  void stop() throws Exception {
    if (b != null) b.close();
    if (ts != null) ts.close();
  }

  private Tracer tracer(String service) {
    Tracer t = Tracer.create(new SpindleOptions().setDsn(ts.server.bootstrap().dsn()).setTracesSampleRate(1.0));
    t.setTag("service.name", service);
    return t;
  }

  /** ui-a calls ui-b with headers and ui-c without; waits until the map has both edges. */
  private void seed() throws InterruptedException {
    Tracer a = tracer("ui-a");
    Tracer bb = tracer("ui-b");
    Tracer c = tracer("ui-c");
    try {
      Transaction root = a.startTransaction("GET /start", "http.server");
      for (String target : List.of("b", "c")) {
        Span client = root.startChild("http.client", "GET http://" + target + ".internal/" + target);
        Map<String, String> headers = new HashMap<>();
        if (target.equals("b")) a.inject(client, headers, Map::put);
        Transaction served = (target.equals("b") ? bb : c).continueTrace(headers, Map::get,
            "GET /" + target, "http.server", TransactionSource.ROUTE);
        if (target.equals("c")) continuedTrace = served.traceId();
        served.finish();
        client.finish();
      }
      root.finish();
      for (Tracer t : List.of(a, bb, c)) assertTrue(t.flush(Duration.ofSeconds(10)));
    } finally {
      for (Tracer t : List.of(a, bb, c)) t.close();
    }
    for (int i = 0; i < 100; i++) {
      JsonNode edges = ts.getJson("/api/v1/service-map?project=1&statsPeriod=1h").get("edges");
      if (edges.size() >= 2) return;
      Thread.sleep(100);
    }
    throw new AssertionError("the service map never had both edges");
  }

  @Test
  void mapShowsTheLostEdgeAndLeadsToBothTraces() throws Exception {
    b.driver.get(ts.base + "/#/services?project=1&period=1h");
    b.find("#signin input[name=token]").sendKeys(ts.token);
    b.find("#signin button[type=submit]").click();
    b.find("#service-map canvas");
    String lost = "ui-a\u2192ui-c";
    b.find("#service-edges tr[data-edge='" + lost + "']");
    String row = b.find("#service-edges tr[data-edge='" + lost + "']").getText();
    assertTrue(row.contains("100.0%"), "lost share of ui-a -> ui-c: " + row);
    String linked = b.find("#service-edges tr[data-edge='ui-a\u2192ui-b']").getText();
    assertTrue(linked.endsWith("0.0%"), "lost share of ui-a -> ui-b: " + linked);
    b.screenshot("services-map");

    b.find("#service-edges tr[data-edge='" + lost + "'] a.edge-link").click();
    b.find("#edge-detail #edge-examples");
    assertTrue(b.find("#edge-detail").getText().contains("1 lost"), b.find("#edge-detail").getText());
    String cause = b.find("#edge-causes li[data-cause='noHeaders']").getText();
    assertTrue(cause.startsWith("1 ") && cause.contains("no trace headers"), cause);
    b.find("#edge-detail #lost-share .plot svg path");
    b.screenshot("services-edge");
    assertEquals(1, b.driver.findElements(By.cssSelector("#edge-examples a.example-trace")).size());
    assertTrue(b.find("#edge-examples a.continued-trace").getAttribute("href").contains("/trace/" + continuedTrace));

    // The caller's trace marks the client span that lost the context, and links the new trace.
    b.find("#edge-examples a.example-trace").click();
    b.find("#lost-notice");
    assertTrue(b.find(".wf-row.selected .badge.lost").getText().startsWith("context lost"),
        "the selected row is the client span, marked");
    b.screenshot("services-trace-lost");
    b.find("#lost-notice a.continued-trace").click();
    b.until(d -> d.getCurrentUrl().contains("/trace/" + continuedTrace) ? true : null, "the continued trace");
    // ... and the new trace says which call it started in place of.
    assertTrue(b.find("#continued-notice").getText().contains("ui-a: GET http://c.internal/c"),
        b.find("#continued-notice").getText());
    assertEquals("[]", String.valueOf(b.js("return JSON.stringify(window.__spindleErrors)")));
  }
}
