package dev.spindle.internal.propagation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which outgoing request URLs get trace headers ({@code tracePropagationTargets}). An entry
 * matches a URL when the URL contains it, or when the entry is a valid regular expression that
 * matches the <em>whole</em> URL ({@code Matcher.matches()}, as sentry-java does). An entry that
 * is not a valid regex is used as a substring only. Note that an empty entry is contained in every
 * URL.
 *
 * <p>Not configured ({@link #all()}, or {@link #of} with {@code null}) matches every URL; an
 * empty list matches none, which turns outgoing propagation off while incoming traces are still
 * continued. Keeping the tracing server's own ingest URL out is the caller's job. Immutable.
 */
public final class TracePropagationTargets {
  private static final TracePropagationTargets ALL = new TracePropagationTargets(null, null);

  private final List<String> targets; // null = all
  private final List<Pattern> patterns; // null entries: not a valid regex

  private TracePropagationTargets(List<String> targets, List<Pattern> patterns) {
    this.targets = targets;
    this.patterns = patterns;
  }

  /** Matches every URL (the default). */
  public static TracePropagationTargets all() {
    return ALL;
  }

  /** Matches no URL. */
  public static TracePropagationTargets none() {
    return of(List.of());
  }

  /**
   * From configured entries; {@code null} means not configured and matches every URL. Null
   * entries are ignored. Regexes are compiled here, once.
   */
  public static TracePropagationTargets of(List<String> targets) {
    if (targets == null) return ALL;
    List<String> copy = new ArrayList<>(targets.size());
    List<Pattern> patterns = new ArrayList<>(targets.size());
    for (String t : targets) {
      if (t == null) continue;
      copy.add(t);
      Pattern p;
      try {
        p = Pattern.compile(t);
      } catch (PatternSyntaxException e) {
        p = null;
      }
      patterns.add(p);
    }
    return new TracePropagationTargets(Collections.unmodifiableList(copy), patterns);
  }

  /** Whether this matches every URL (not configured). */
  public boolean matchesAll() {
    return targets == null;
  }

  /** The configured entries, or null when not configured. */
  public List<String> targets() {
    return targets;
  }

  /** Whether trace headers should be sent to {@code url}. A null URL matches nothing. */
  public boolean matches(String url) {
    if (url == null) return false;
    if (targets == null) return true;
    for (int i = 0; i < targets.size(); i++) {
      if (url.contains(targets.get(i))) return true;
      Pattern p = patterns.get(i);
      if (p != null && p.matcher(url).matches()) return true;
    }
    return false;
  }

  @Override
  public String toString() {
    return targets == null ? "TracePropagationTargets{all}" : "TracePropagationTargets" + targets;
  }
}
