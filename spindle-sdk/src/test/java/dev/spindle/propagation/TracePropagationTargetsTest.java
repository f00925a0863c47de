package dev.spindle.propagation;

import dev.spindle.internal.propagation.TracePropagationTargets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracePropagationTargetsTest {

  @Test
  void notConfiguredMatchesEverything() {
    assertTrue(TracePropagationTargets.all().matches("http://anything/at/all"));
    assertTrue(TracePropagationTargets.of(null).matches("https://example.com"));
    assertTrue(TracePropagationTargets.of(null).matchesAll());
    assertNull(TracePropagationTargets.all().targets());
  }

  @Test
  void emptyListMatchesNothing() {
    assertFalse(TracePropagationTargets.of(List.of()).matches("http://localhost"));
    assertFalse(TracePropagationTargets.none().matches("http://localhost"));
    assertFalse(TracePropagationTargets.none().matchesAll());
  }

  @Test
  void substring() {
    TracePropagationTargets t = TracePropagationTargets.of(List.of("localhost", "api.example.com"));
    assertTrue(t.matches("http://localhost:8080/path"));
    assertTrue(t.matches("https://api.example.com/v1"));
    assertFalse(t.matches("https://example.com"));
  }

  @Test
  void regexMustMatchTheWholeUrl() {
    TracePropagationTargets t = TracePropagationTargets.of(List.of("https://.*\\.example\\.com/.*"));
    assertTrue(t.matches("https://api.example.com/users"));
    assertFalse(t.matches("http://api.example.com/users"));
    // a partial regex match is not enough (find() would match, matches() does not)
    TracePropagationTargets partial = TracePropagationTargets.of(List.of("^api\\d"));
    assertFalse(partial.matches("api1.example.com"));
    assertTrue(TracePropagationTargets.of(List.of("api\\d.*")).matches("api1.example.com"));
  }

  @Test
  void regexMetacharactersStillWorkAsSubstring() {
    // "." is a regex, but the URL also simply contains the string
    TracePropagationTargets t = TracePropagationTargets.of(List.of("example.com"));
    assertTrue(t.matches("https://example.com/x"));
    assertFalse(t.matches("https://exampleXcom/x")); // matches() needs the whole URL
  }

  @Test
  void invalidRegexIsASubstringOnly() {
    TracePropagationTargets t = TracePropagationTargets.of(List.of("api[", "(unclosed"));
    assertTrue(t.matches("https://host/api[1]"));
    assertTrue(t.matches("https://host/(unclosed"));
    assertFalse(t.matches("https://host/api"));
  }

  @Test
  void defaultSentryRegexMatchesEverything() {
    assertTrue(TracePropagationTargets.of(List.of(".*")).matches("https://x/y?z=1"));
  }

  @Test
  void nullUrlAndNullEntries() {
    TracePropagationTargets t = TracePropagationTargets.of(Arrays.asList(null, "localhost"));
    assertFalse(t.matches(null));
    assertFalse(TracePropagationTargets.all().matches(null));
    assertTrue(t.matches("http://localhost"));
    assertEquals(List.of("localhost"), t.targets());
  }

  @Test
  void emptyEntryMatchesEverything() {
    assertTrue(TracePropagationTargets.of(List.of("")).matches("https://x"));
  }

  @Test
  void copiesItsInput() {
    List<String> input = new ArrayList<>(List.of("a.example"));
    TracePropagationTargets t = TracePropagationTargets.of(input);
    input.add("b.example");
    assertFalse(t.matches("https://b.example"));
    assertThrows(UnsupportedOperationException.class, () -> t.targets().add("x"));
  }
}
