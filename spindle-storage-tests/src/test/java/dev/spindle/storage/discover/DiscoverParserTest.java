package dev.spindle.storage.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.discover.Aggregate.Function;
import dev.spindle.storage.discover.Condition.Compare;
import dev.spindle.storage.discover.Condition.Has;
import dev.spindle.storage.discover.Condition.In;
import dev.spindle.storage.discover.Condition.Match;
import dev.spindle.storage.discover.Condition.Operator;
import dev.spindle.storage.discover.Condition.Text;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The field and query languages of Discover: what parses to what, and what is refused how. */
class DiscoverParserTest {
  private static List<Condition> parse(String q) {
    return QueryParser.parse(q);
  }

  private static Condition one(String q) {
    List<Condition> c = parse(q);
    assertEquals(1, c.size(), c.toString());
    return c.get(0);
  }

  private static String error(String q) {
    return assertThrows(DiscoverQueryException.class, () -> parse(q)).getMessage();
  }

  // ---------------------------------------------------------------- fields

  @Test
  void columnsAndAliases() {
    assertEquals(Column.TRANSACTION, FieldParser.parse("transaction", -1));
    assertEquals(Column.OP, FieldParser.parse("span.op", -1));
    assertEquals(Column.TRANSACTION_OP, FieldParser.parse("transaction.op", -1));
    assertEquals(Column.DURATION, FieldParser.parse(" Duration ", -1));
    assertEquals(Column.USER, FieldParser.parse("user", -1));
    assertEquals(Column.TRACE, FieldParser.parse("trace", -1));
    assertEquals(FieldType.DATE, FieldParser.parse("timestamp", -1).type());
    assertEquals(FieldType.INTEGER, FieldParser.parse("project", -1).type());
  }

  @Test
  void tags() {
    assertEquals(new Tag("env"), FieldParser.parse("tags[env]", -1));
    assertEquals(new Tag("a'b"), FieldParser.parse("tags[a'b]", -1));
    assertEquals(new Tag("http.status_code"), FieldParser.parse("tags[http.status_code]", -1));
    assertEquals(new Tag("with space"), FieldParser.parse("tags[with space]", -1));
    assertEquals(FieldType.STRING, new Tag("x").type());
  }

  @Test
  void aggregatesAndTheirDefaults() {
    assertEquals(new Aggregate(Function.COUNT, null, 0), FieldParser.parse("count()", -1));
    assertEquals(FieldParser.parse("p95()", -1), FieldParser.parse("p95(duration)", -1));
    assertEquals(new Aggregate(Function.P95, Column.DURATION, 0.95), FieldParser.parse("p95()", -1));
    assertEquals(new Aggregate(Function.PERCENTILE, Column.DURATION, 0.9),
        FieldParser.parse("percentile(duration, 0.9)", -1));
    assertEquals(new Aggregate(Function.APDEX, null, 300), FieldParser.parse("apdex()", -1));
    assertEquals(FieldParser.parse("apdex()", -1), FieldParser.parse("apdex(300)", -1));
    assertEquals(new Aggregate(Function.APDEX, null, 500), FieldParser.parse("apdex(0.5s)", -1));
    assertEquals(new Aggregate(Function.USER_MISERY, null, 300), FieldParser.parse("user_misery(300)", -1));
    assertEquals(new Aggregate(Function.COUNT_UNIQUE, Column.USER, 0), FieldParser.parse("count_unique(user)", -1));
    assertEquals(new Aggregate(Function.COUNT_UNIQUE, new Tag("a,b"), 0), FieldParser.parse("count_unique(tags[a,b])", -1));
    assertEquals(new Aggregate(Function.MAX, Column.TIMESTAMP, 0), FieldParser.parse("max(timestamp)", -1));
    assertEquals(FieldType.DURATION, FieldParser.parse("avg()", -1).type());
    assertEquals(FieldType.DATE, FieldParser.parse("min(timestamp)", -1).type());
    assertEquals(FieldType.PERCENTAGE, FieldParser.parse("failure_rate()", -1).type());
    assertEquals(FieldType.NUMBER, FieldParser.parse("apdex()", -1).type());
    assertEquals(FieldType.RATE, FieldParser.parse("tpm()", -1).type());
    assertEquals(FieldType.INTEGER, FieldParser.parse("count_unique(user)", -1).type());
    assertEquals(FieldType.DURATION, FieldParser.parse("P99( )", -1).type());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "foo                         | unknown field 'foo'",
      "tags[]                      | empty tag key in 'tags[]'",
      "tags[a]b                    | invalid tag field 'tags[a]b'",
      "nope()                      | unknown function 'nope()'",
      "count(user)                 | count() takes no arguments, got 1",
      "count_unique()              | count_unique() takes 1 argument, got 0",
      "count_unique(p95())         | count_unique() needs a column or tag",
      "avg(transaction)            | avg() needs a numeric column (duration), not 'transaction'",
      "max(user)                   | max() needs a numeric column (duration or timestamp), not 'user'",
      "percentile(duration)        | percentile() takes 2 arguments, got 1",
      "'percentile(duration, 1.5)' | percentile(): the second argument must be a number in [0, 1], got '1.5'",
      "'percentile(duration, x)'   | percentile(): the second argument must be a number in [0, 1], got 'x'",
      "apdex(0)                    | apdex() threshold must be > 0",
      "apdex(fast)                 | invalid duration 'fast' for apdex() threshold",
      "'p95(duration'              | invalid function call 'p95(duration'",
      "'  '                        | empty field name",
  })
  void invalidFields(String text, String expected) {
    String m = assertThrows(DiscoverQueryException.class, () -> FieldParser.parse(text, -1)).getMessage();
    assertTrue(m.startsWith(expected), m);
  }

  // ---------------------------------------------------------------- query terms

  @Test
  void emptyQueries() {
    assertEquals(List.of(), parse(null));
    assertEquals(List.of(), parse("   "));
  }

  @Test
  void keyValueTerms() {
    assertEquals(new Compare(Column.TRANSACTION, Operator.EQ, "GET /a", false), one("transaction:\"GET /a\""));
    assertEquals(new Compare(Column.ENVIRONMENT, Operator.EQ, "prod", true), one("!environment:prod"));
    assertEquals(new Compare(new Tag("env"), Operator.EQ, "prod", false), one("tags[env]:prod"));
    assertEquals(new Compare(new Tag("a b"), Operator.EQ, "x y", false), one("tags[a b]:\"x y\""));
    assertEquals(new Compare(Column.USER, Operator.EQ, "id:42", false), one("user:id:42"));
    assertEquals(new Compare(Column.TRANSACTION, Operator.EQ, "x' OR 1=1 --", false), one("transaction:\"x' OR 1=1 --\""));
    assertEquals(new Compare(Column.TRANSACTION, Operator.EQ, "say \"hi\"", false), one("transaction:\"say \\\"hi\\\"\""));
    assertEquals(new Compare(Column.STATUS, Operator.EQ, ">ok", false), one("status:>ok"), "no operators on strings");
    assertEquals(3, parse("  op:db   environment:prod AND release:1.0 ").size());
  }

  @Test
  void wildcards() {
    assertEquals(new Match(Column.TRANSACTION, "%foo%", false), one("transaction:*foo*"));
    assertEquals(new Match(Column.DESCRIPTION, "SELECT %", true), one("!description:\"SELECT *\""));
    assertEquals(new Match(Column.RELEASE, "100\\%\\_%", false), one("release:100%_*"));
    assertEquals(new Match(Column.RELEASE, "a\\\\b%", false), one("release:a\\\\b*"));
    assertEquals(new Compare(Column.RELEASE, Operator.EQ, "a*b", false), one("release:a\\*b"), "an escaped star is literal");
  }

  @Test
  void numericComparisons() {
    assertEquals(new Compare(Column.DURATION, Operator.GT, 200.0, false), one("duration:>200ms"));
    assertEquals(new Compare(Column.DURATION, Operator.LE, 1000.0, false), one("duration:<=1s"));
    assertEquals(new Compare(Column.DURATION, Operator.GE, 90_000.0, false), one("duration:>=1.5m"));
    assertEquals(new Compare(Column.DURATION, Operator.LT, 0.5, false), one("duration:<500us"));
    assertEquals(new Compare(Column.DURATION, Operator.EQ, 250.0, true), one("!duration:250"));
    assertEquals(new Compare(Column.DURATION, Operator.EQ, 7_200_000.0, false), one("duration:=2h"));
    assertEquals(new Compare(Column.PROJECT, Operator.EQ, 3L, false), one("project:3"));
    assertEquals(new Compare(Column.TIMESTAMP, Operator.GT, 1_714_557_600_000_000L, false),
        one("timestamp:>2024-05-01T10:00:00Z"));
    assertEquals(new Compare(Column.TIMESTAMP, Operator.GE, 1_714_521_600_000_000L, false), one("timestamp:>=2024-05-01"));
    assertEquals(new Compare(Column.TIMESTAMP, Operator.LT, 1_714_557_600_500_000L, false), one("timestamp:<1714557600.5"));
    assertEquals(new Compare(Column.TIMESTAMP, Operator.LT, 1_714_550_400_000_000L, false),
        one("timestamp:<\"2024-05-01T10:00:00+02:00\""));
  }

  @Test
  void aggregateConditions() {
    Compare c = (Compare) one("count():>10");
    assertEquals(new Compare(new Aggregate(Function.COUNT, null, 0), Operator.GT, 10.0, false), c);
    assertTrue(c.isAggregate());
    assertEquals(new Compare(FieldParser.parse("p95()", -1), Operator.GE, 1500.0, false), one("p95():>=1.5s"));
    assertEquals(new Compare(FieldParser.parse("failure_rate()", -1), Operator.LT, 0.05, false), one("failure_rate():<5%"));
    assertEquals(new Compare(FieldParser.parse("apdex(500)", -1), Operator.LT, 0.9, true), one("!apdex(500):<0.9"));
    assertEquals(new Compare(FieldParser.parse("percentile(duration,0.9)", -1), Operator.GT, 5.0, false),
        one("percentile(duration, 0.9):>5"));
  }

  @Test
  void hasAndLists() {
    assertEquals(new Has(Column.RELEASE, false), one("has:release"));
    assertEquals(new Has(new Tag("env"), true), one("!has:tags[env]"));
    assertEquals(new In(Column.TRANSACTION, List.of("a", "b c"), false), one("transaction:[a, \"b c\"]"));
    assertEquals(new In(Column.PROJECT, List.of(1L, 2L), true), one("!project:[1,2]"));
    assertEquals(new In(Column.DURATION, List.of(1000.0, 5.0), false), one("duration:[1s, 5]"));
  }

  @Test
  void freeText() {
    assertEquals(List.of(new Text("GET", false), new Text("/users", false)), parse("GET /users"));
    assertEquals(new Text("GET /users", false), one("\"GET /users\""));
    assertEquals(new Text("checkout", true), one("!checkout"));
    assertEquals(new Text("a:b", false), one("\"a:b\""));
    assertEquals(List.of(new Text("slow", false), new Compare(Column.OP, Operator.EQ, "db", false)), parse("slow op:db"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'transaction:\"abc'                      | unbalanced quote at position 12",
      "'op:db \"free text'                      | unbalanced quote at position 6",
      "'foo:bar'                                | unknown field 'foo' at position 0",
      "'op:db !nope:1'                          | unknown field 'nope' at position 7",
      "'transaction:'                           | missing value for 'transaction' at position 12",
      "'has:'                                   | has: needs a field at position 4",
      "'has:count()'                            | has: needs a column or tag, not the function 'count()' at position 4",
      "'duration:>\"5 parsecs\"'                | invalid duration '5 parsecs' for 'duration' at position 10",
      "'duration:>fast'                         | invalid duration 'fast' for 'duration' at position 10",
      "'duration:>'                             | missing value after '>' for 'duration' at position 10",
      "'project:one'                            | invalid integer 'one' for 'project' at position 8",
      "'timestamp:>yesterday'                   | invalid time 'yesterday' for 'timestamp' at position 11",
      "'count():>lots'                          | invalid number 'lots' for 'count()' at position 9",
      "'p95():>\"1 parsec\"'                    | invalid duration '1 parsec' for 'p95()' at position 7",
      "'op:db OR op:http'                       | OR is not supported at position 6",
      "'tags[env:prod'                          | unbalanced '[' at position 4",
      "'count(:>1'                              | unbalanced '(' at position 5",
      "'op:a)'                                  | unbalanced ')' at position 4",
      "'transaction:\"a\"b'                     | unexpected text after the closing quote at position 15",
      "'release:abc\\'                          | dangling '\\' at position 11",
      "'transaction:[a, *b]'                    | wildcards are not supported in a list, at position 16",
      "'transaction:[a,,b]'                     | empty value in the list for 'transaction' at position 15",
      "'count():[1,2]'                          | a list of values is not supported on the function 'count()'",
      "'foo(1):>2'                              | unknown function 'foo()' at position 0",
  })
  void invalidQueries(String query, String expected) {
    String m = error(query);
    assertTrue(m.startsWith(expected), m);
  }

  @Test
  void limitsOnSize() {
    assertTrue(error("a".repeat(5000)).startsWith("query is 5000 characters long"));
    assertTrue(error("a ".repeat(65)).startsWith("too many terms"));
  }

  // ---------------------------------------------------------------- whole queries

  private static DiscoverQuery.Builder q(String... fields) {
    return DiscoverQuery.builder(0, 1000).fields(List.of(fields));
  }

  @Test
  void queryDefaultsAndSorts() {
    DiscoverQuery q = q("transaction", "p95()", "count()").build();
    assertTrue(q.isAggregating());
    assertEquals(List.of(new Order(FieldParser.parse("p95()", -1), true)), q.orderBy());
    assertEquals(50, q.limit());
    assertEquals(Dataset.TRANSACTIONS, q.dataset());
    assertEquals(List.of("transaction", "p95()", "count()"), q.labels());
    DiscoverQuery plain = q("transaction").build();
    assertEquals(List.of(new Order(Column.TIMESTAMP, true)), plain.orderBy());
    DiscoverQuery sorted = q("transaction", "p95(duration)").sort("-p95()").sort("transaction").limit(1000).build();
    assertEquals(List.of(new Order(FieldParser.parse("p95()", -1), true), new Order(Column.TRANSACTION, false)),
        sorted.orderBy());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-x          | sort field '-x': unknown field 'x'",
      "-count()    | sort field '-count()' is not selected (selected: transaction, p95())",
      "duration    | sort field 'duration' is not selected",
  })
  void sortMustBeSelected(String sort, String expected) {
    String m = assertThrows(DiscoverQueryException.class, () -> q("transaction", "p95()").sort(sort).build()).getMessage();
    assertTrue(m.startsWith(expected), m);
  }

  @Test
  void otherQueryErrors() {
    assertTrue(assertThrows(DiscoverQueryException.class, () -> q().build()).getMessage()
        .startsWith("at least one field is required"));
    assertTrue(assertThrows(DiscoverQueryException.class, () -> q("transaction").query("count():>1").build())
        .getMessage().startsWith("conditions on functions"));
    assertTrue(assertThrows(DiscoverQueryException.class, () -> q("p95()", "p95(duration)"))
        .getMessage().startsWith("field 'p95(duration)' is selected twice (as 'p95()')"));
    assertThrows(DiscoverQueryException.class, () -> q("count()").limit(0));
    assertThrows(DiscoverQueryException.class, () -> q("count()").limit(1001));
    assertThrows(DiscoverQueryException.class, () -> DiscoverQuery.builder(10, 10));
    String[] many = new String[21];
    for (int i = 0; i < many.length; i++) many[i] = "percentile(duration, 0." + (10 + i) + ")";
    assertTrue(assertThrows(DiscoverQueryException.class, () -> q(many)).getMessage().startsWith("too many fields"));
  }
}
