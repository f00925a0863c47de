package dev.spindle.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.SpindleOptions;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SpindlePropertiesTest {
  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return env;
  }

  @Test
  void propertiesBecomeOptions() {
    SpindleProperties p = new SpindleProperties();
    p.setDsn(" http://key@127.0.0.1:8790/1 ");
    p.setTracesSampleRate(0.25);
    p.setEnvironment("staging");
    p.setRelease("orders@1.2.3");
    p.setTracePropagationTargets(List.of("127.0.0.1"));
    SpindleOptions o = SpindleAutoConfiguration.options(p, environment(Map.of("spring.application.name", "orders")));
    assertEquals("http://key@127.0.0.1:8790/1", o.getDsn());
    assertEquals(0.25, o.getTracesSampleRate());
    assertEquals("staging", o.getEnvironment());
    assertEquals("orders@1.2.3", o.getRelease());
    assertEquals(List.of("127.0.0.1"), o.getTracePropagationTargets());
    assertEquals("orders", o.getTags().get("service.name"));
  }

  @Test
  void serviceNameWinsOverTheApplicationName() {
    SpindleProperties p = new SpindleProperties();
    p.setServiceName("billing");
    p.setDsn("");
    SpindleOptions o = SpindleAutoConfiguration.options(p, environment(Map.of("spring.application.name", "orders")));
    assertEquals("billing", o.getTags().get("service.name"));
    assertNull(o.getDsn(), "a blank DSN sends nothing");
  }

  @Test
  void badValuesAreIgnoredAndTheApplicationStarts() {
    SpindleProperties p = new SpindleProperties();
    p.setTracesSampleRate(2.0);
    p.setDsn("127.0.0.1:8790/1");
    ManagedTracer managed = new SpindleAutoConfiguration().spindleManagedTracer(p, environment(Map.of()),
        new StaticListableBeanFactory().getBeanProvider(SpindleOptionsCustomizer.class));
    try {
      assertNull(managed.tracer().tracesSampleRate(), "the rate of 2.0 is logged and ignored");
      assertTrue(managed.tracer().isEnabled());
      managed.tracer().startTransaction("t", "op").finish(); // an unparsable DSN: nothing is sent
    } finally {
      managed.destroy();
    }
  }

  @Test
  void metadataDescribesEveryProperty() throws Exception {
    Set<String> names = new HashSet<>();
    try (InputStream in = SpindleProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      for (JsonNode property : new ObjectMapper().readTree(in).path("properties")) {
        assertTrue(property.hasNonNull("description"), property.toString());
        names.add(property.path("name").asText());
      }
    }
    assertEquals(Set.of("spindle.enabled", "spindle.dsn", "spindle.traces-sample-rate", "spindle.environment",
        "spindle.release", "spindle.service-name", "spindle.trace-propagation-targets",
        "spindle.reactor.automatic-context-propagation"), names);
  }
}
