package dev.spindle;

import java.util.List;

/**
 * Which stack frames are the application's own ({@code in_app}): a frame whose class starts with
 * one of the include prefixes is; otherwise one that starts with an exclude prefix is not; any
 * other is, unless include prefixes were given.
 */
final class InApp {
  private final List<String> includes;
  private final List<String> excludes;

  InApp(List<String> includes, List<String> excludes) {
    this.includes = List.copyOf(includes);
    this.excludes = List.copyOf(excludes);
  }

  boolean test(String className) {
    for (String p : includes) if (className.startsWith(p)) return true;
    for (String p : excludes) if (className.startsWith(p)) return false;
    return includes.isEmpty();
  }
}
