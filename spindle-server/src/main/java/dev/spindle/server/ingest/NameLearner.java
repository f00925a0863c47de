package dev.spindle.server.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns a project's high-cardinality path segments from the distinct URL-like names it sees: a
 * tree of path segments in which a node (below the first level) with more than {@code threshold}
 * distinct children is merged: its children become one {@code *} child and the rule
 * {@code /<path to the node>/*}{@code /**} ({@link NameRule}) is learned. The first level is never
 * merged (a rule {@code /*}{@code /**} would rewrite every path). Bounded: at most
 * {@code maxNodes} nodes; when full, the tree starts again empty (rules learned so far stay in
 * the metadata store).
 */
final class NameLearner {
  private final int threshold;
  private final int maxNodes;
  private Node root = new Node();
  private int nodes = 1;

  private static final class Node {
    final Map<String, Node> children = new HashMap<>();
    boolean merged;

    int size() {
      int n = 1;
      for (Node c : children.values()) n += c.size();
      return n;
    }
  }

  NameLearner(int threshold, int maxNodes) {
    if (threshold < 1 || maxNodes < 2) throw new IllegalArgumentException("threshold >= 1, maxNodes >= 2");
    this.threshold = threshold;
    this.maxNodes = maxNodes;
  }

  /** Observes a name (its path, as {@link NameRule} reads it); returns the patterns learned from it, usually none. */
  synchronized List<String> observe(String name) {
    int slash = name.indexOf('/');
    if (slash < 0) return List.of();
    int end = NameRule.pathEnd(name, slash);
    List<String> learned = List.of();
    StringBuilder path = new StringBuilder(end - slash + 8);
    Node n = root;
    int pos = slash + 1;
    while (pos <= end) {
      int next = name.indexOf('/', pos);
      if (next < 0 || next > end) next = end;
      String seg = n.merged ? "*" : name.substring(pos, next);
      Node c = n.children.get(seg);
      if (c == null) {
        if (nodes >= maxNodes) {
          reset();
          return learned;
        }
        c = new Node();
        n.children.put(seg, c);
        nodes++;
        if (n != root && n.children.size() > threshold) {
          nodes -= n.size() - 1;
          n.children.clear();
          n.merged = true;
          seg = "*";
          c = new Node();
          n.children.put(seg, c);
          nodes++;
          if (learned.isEmpty()) learned = new ArrayList<>(1);
          learned.add(path + "/*/**");
        }
      }
      path.append('/').append(seg);
      n = c;
      pos = next + 1;
    }
    return learned;
  }

  /** Forgets what was observed (a rule learned from it was deleted, or the tree is full). */
  synchronized void reset() {
    root = new Node();
    nodes = 1;
  }

  synchronized int nodes() {
    return nodes;
  }
}
