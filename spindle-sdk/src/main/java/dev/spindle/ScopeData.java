package dev.spindle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scope adds to the events sent under it: the user, tags, contexts and breadcrumbs.
 * Immutable: every change makes a new instance, so a scope is forked by sharing it and read
 * without a lock. There are two kinds of scope: the tracer's global one (tags from the options,
 * and whatever is set outside any request) and one per request, held by its transaction.
 */
final class ScopeData {
  /** Breadcrumbs kept per scope (and per event); older ones are dropped. */
  static final int MAX_BREADCRUMBS = 100;
  static final ScopeData EMPTY = new ScopeData(null, Map.of(), Map.of(), List.of());

  final User user;
  final Map<String, String> tags;
  final Map<String, Map<String, Object>> contexts;
  /** Oldest first. */
  final List<Breadcrumb> breadcrumbs;

  private ScopeData(User user, Map<String, String> tags, Map<String, Map<String, Object>> contexts,
      List<Breadcrumb> breadcrumbs) {
    this.user = user;
    this.tags = tags;
    this.contexts = contexts;
    this.breadcrumbs = breadcrumbs;
  }

  ScopeData withUser(User user) {
    return new ScopeData(user, tags, contexts, breadcrumbs);
  }

  /** A null value removes the tag. */
  ScopeData withTag(String key, String value) {
    return new ScopeData(user, with(tags, key, value), contexts, breadcrumbs);
  }

  ScopeData withTags(Map<String, String> added) {
    Map<String, String> copy = new LinkedHashMap<>(tags);
    copy.putAll(added);
    return new ScopeData(user, Collections.unmodifiableMap(copy), contexts, breadcrumbs);
  }

  /** A copy of {@code values} under {@code key}; null removes the context. */
  ScopeData withContext(String key, Map<String, ?> values) {
    Map<String, Object> copy = values == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    return new ScopeData(user, tags, with(contexts, key, copy), breadcrumbs);
  }

  ScopeData withBreadcrumb(Breadcrumb b) {
    List<Breadcrumb> copy = new ArrayList<>(Math.min(breadcrumbs.size() + 1, MAX_BREADCRUMBS));
    copy.addAll(breadcrumbs.size() < MAX_BREADCRUMBS ? breadcrumbs
        : breadcrumbs.subList(breadcrumbs.size() - MAX_BREADCRUMBS + 1, breadcrumbs.size()));
    copy.add(b);
    return new ScopeData(user, tags, contexts, Collections.unmodifiableList(copy));
  }

  /**
   * What an event of a request gets: the request's user, tags and contexts over the global ones;
   * the breadcrumbs of both by time, the newest {@link #MAX_BREADCRUMBS}.
   */
  static ScopeData merge(ScopeData global, ScopeData request) {
    if (request == EMPTY) return global;
    if (global == EMPTY) return request;
    Map<String, String> tags = new LinkedHashMap<>(global.tags);
    tags.putAll(request.tags);
    Map<String, Map<String, Object>> contexts = new LinkedHashMap<>(global.contexts);
    contexts.putAll(request.contexts);
    List<Breadcrumb> crumbs = new ArrayList<>(global.breadcrumbs);
    crumbs.addAll(request.breadcrumbs);
    crumbs.sort(Comparator.comparingLong(Breadcrumb::timestampMicros));
    if (crumbs.size() > MAX_BREADCRUMBS) crumbs = crumbs.subList(crumbs.size() - MAX_BREADCRUMBS, crumbs.size());
    return new ScopeData(request.user != null ? request.user : global.user,
        Collections.unmodifiableMap(tags), Collections.unmodifiableMap(contexts),
        Collections.unmodifiableList(crumbs));
  }

  private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
    Map<String, V> copy = new LinkedHashMap<>(map);
    if (value == null) copy.remove(key);
    else copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }
}
