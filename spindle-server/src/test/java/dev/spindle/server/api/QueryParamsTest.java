package dev.spindle.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.server.http.ApiException;
import dev.spindle.storage.Filter;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
  @Test
  void searchStrings() {
    assertEquals(List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /a b"), new Filter(Filter.Field.ENVIRONMENT, "prod", true),
        Filter.eq(Filter.Field.TRANSACTION_CONTAINS, "checkout")),
        QueryParams.filters("transaction:\"GET /a b\" !environment:prod checkout"));
    assertEquals(86_400_000_000L, QueryParams.periodUs("24h", "p"));
    assertEquals(250_000L, QueryParams.durationUs("250ms", "d"));
    assertEquals(2_000_000L, QueryParams.durationUs("2s", "d"));
    assertEquals(100_000L, QueryParams.durationUs("100", "d"));
    assertEquals(400, assertThrows(ApiException.class, () -> QueryParams.filters("bad:1")).status());
    assertEquals(400, assertThrows(ApiException.class, () -> QueryParams.periodUs("0h", "p")).status());
  }
}
