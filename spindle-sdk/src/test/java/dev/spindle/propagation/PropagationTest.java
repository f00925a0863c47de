package dev.spindle.propagation;

import dev.spindle.internal.propagation.TracePropagator;
import dev.spindle.internal.propagation.OutgoingTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropagationTest {

  @Test
  void mapGetterIgnoresCase() {
    Map<String, String> m = Map.of("Sentry-Trace", "x");
    assertEquals("x", Propagation.mapGetter().get(m, "sentry-trace"));
    assertEquals(List.of("x"), Propagation.mapGetter().getAll(m, "SENTRY-TRACE"));
    assertNull(Propagation.mapGetter().get(m, "baggage"));
    assertEquals(List.of(), Propagation.mapGetter().getAll(m, "baggage"));
  }

  @Test
  void mapGetterReturnsEveryCaseVariant() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("traceparent", "a");
    m.put("TraceParent", "b");
    assertEquals(List.of("a", "b"), Propagation.mapGetter().getAll(m, "traceparent"));
  }

  @Test
  void gettersTolerateNulls() {
    Map<String, String> m = new HashMap<>();
    m.put("baggage", null);
    m.put(null, "x");
    assertNull(Propagation.mapGetter().get(m, "baggage"));
    assertEquals(List.of(), Propagation.mapGetter().getAll(m, "baggage"));
    assertNull(Propagation.mapGetter().get(null, "baggage"));
    assertEquals(List.of(), Propagation.mapGetter().getAll(null, "baggage"));
    Map<String, List<String>> mm = new HashMap<>();
    mm.put("baggage", Arrays.asList(null, "v"));
    mm.put("tracestate", null);
    assertEquals("v", Propagation.multiMapGetter().get(mm, "baggage"));
    assertEquals(List.of("v"), Propagation.multiMapGetter().getAll(mm, "baggage"));
    assertNull(Propagation.multiMapGetter().get(mm, "tracestate"));
    assertNull(Propagation.multiMapGetter().get(null, "tracestate"));
  }

  @Test
  void multiMapGetter() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("Baggage", List.of("a=1", "b=2"));
    m.put("baggage", List.of("c=3"));
    assertEquals("a=1", Propagation.multiMapGetter().get(m, "baggage"));
    assertEquals(List.of("a=1", "b=2", "c=3"), Propagation.multiMapGetter().getAll(m, "baggage"));
    assertEquals(List.of(), Propagation.multiMapGetter().getAll(m, "tracestate"));
  }

  @Test
  void mapSetterReplacesEveryCaseVariant() {
    Map<String, String> m = new HashMap<>();
    m.put("Baggage", "old");
    m.put("BAGGAGE", "older");
    Propagation.mapSetter().set(m, "baggage", "new");
    assertEquals(Map.of("baggage", "new"), m);
  }

  @Test
  void multiMapSetterReplacesWithAMutableList() {
    Map<String, List<String>> m = new HashMap<>();
    m.put("Sentry-Trace", new ArrayList<>(List.of("old")));
    Propagation.multiMapSetter().set(m, "sentry-trace", "new");
    assertEquals(Map.of("sentry-trace", List.of("new")), m);
    m.get("sentry-trace").add("more");
  }

  @Test
  void defaultGetAllWrapsGet() {
    Propagation.Getter<Map<String, String>> exact = Map::get;
    assertEquals(List.of("v"), exact.getAll(Map.of("k", "v"), "k"));
    assertEquals(List.of(), exact.getAll(Map.of("k", "v"), "other"));
  }

  @Test
  void httpUrlConnectionMethodReferencesFit() throws IOException {
    // openConnection() does not connect; request properties can be set and read before that
    HttpURLConnection conn =
        (HttpURLConnection) URI.create("http://127.0.0.1:9/").toURL().openConnection();
    conn.setRequestProperty("baggage", "vendor=1,sentry-release=old");
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().release("new").build();
    TracePropagator.create(true, true).inject(
        OutgoingTrace.of(trace, true, dsc, null), "00f067aa0ba902b7", conn,
        HttpURLConnection::getRequestProperty, HttpURLConnection::setRequestProperty);
    assertEquals(trace + "-00f067aa0ba902b7-1", conn.getRequestProperty("sentry-trace"));
    assertEquals("sentry-release=new,vendor=1", conn.getRequestProperty("baggage"));
    assertEquals("00-" + trace + "-00f067aa0ba902b7-01", conn.getRequestProperty("traceparent"));

    Propagation.Setter<HttpURLConnection> adder = HttpURLConnection::addRequestProperty;
    adder.set(conn, "x-test", "1");
    assertEquals("1", conn.getRequestProperty("x-test"));
  }
}
