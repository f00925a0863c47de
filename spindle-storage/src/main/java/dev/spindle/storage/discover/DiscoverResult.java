package dev.spindle.storage.discover;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of a Discover query: {@code rows.get(i).get(j)} is the value of the query's
 * {@code j}-th field in row {@code i}, of the Java type its {@link FieldType} documents (or
 * {@code null}).
 */
public record DiscoverResult(List<List<Object>> rows) {
  public DiscoverResult {
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) copy.add(Collections.unmodifiableList(new ArrayList<>(r)));
    rows = Collections.unmodifiableList(copy);
  }
}
