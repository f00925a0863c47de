package dev.spindle.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceMapBuilderTest {
  private static final Map<Long, String> NAMES = Map.of(1L, "shop", 2L, "payments-team");
  private static final ServiceMapBuilder.Pair OUT = new ServiceMapBuilder.Pair(1, "front", 2, "ledger", "");
  private static final ServiceMapBuilder.Pair IN = new ServiceMapBuilder.Pair(2, "", 1, "front", "");

  private static ServiceMap build(ServiceMapQuery q) {
    ServiceMapBuilder b = new ServiceMapBuilder(q, NAMES::get);
    b.node(1, "front", 10, 1, 12.5);
    b.edge(OUT, 4, 2, 0, 1, 0, 1);
    b.durations(OUT, 100, 2);
    b.example(OUT, "a".repeat(32), "b".repeat(16), "POST http://ledger.internal/charge", "c".repeat(32));
    b.edge(IN, 1, 1, 0, 0, 1, 0);
    b.example(IN, "d".repeat(32), "e".repeat(16), "GET /cart", null);
    return b.build();
  }

  private static List<String> edges(ServiceMap m) {
    return m.edges().stream().map(e -> e.source() + " -> " + e.target()).sorted().toList();
  }

  @Test
  void everyProjectIsNamedWhenTheAskerSeesAll() {
    ServiceMap m = build(ServiceMapQuery.of(1L, 0, 60_000_000));
    assertEquals(List.of("front -> ledger", "payments-team -> front"), edges(m));
    assertEquals("POST http://ledger.internal/charge", m.edges().stream()
        .filter(e -> e.target().equals("ledger")).findFirst().orElseThrow().examples().get(0).description());
  }

  @Test
  void servicesOfProjectsTheAskerMayNotSeeAreAnotherProjectWithoutDescriptions() {
    ServiceMap m = build(ServiceMapQuery.of(1L, 0, 60_000_000).visibleTo(Set.of(1L)));
    assertEquals(List.of("another project -> front", "front -> another project"), edges(m));
    assertTrue(m.nodes().stream().noneMatch(n -> n.service().equals("ledger") || n.service().equals("payments-team")),
        m.nodes().toString());
    assertTrue(m.nodes().stream().filter(n -> n.service().equals(ServiceMap.ANOTHER_PROJECT))
        .allMatch(ServiceMap.Node::external));
    for (ServiceMap.Edge e : m.edges()) {
      assertEquals(1, e.examples().size());
      assertNull(e.examples().get(0).description(), e.toString());
    }
    ServiceMap.Edge out = m.edges().stream().filter(e -> e.source().equals("front")).findFirst().orElseThrow();
    assertEquals(2, out.count(), "the figures stay");
    assertEquals(1, out.lost());
  }
}
