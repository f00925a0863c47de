package dev.spindle.storage;

import java.util.List;

/**
 * Rows of a {@link DiscoverQuery}: values in column order, as {@code String}, {@code Long},
 * {@code Double} or {@code null}.
 */
public record DiscoverResult(List<String> columns, List<List<Object>> rows) {
  public DiscoverResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }
}
