package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.TransactionNameRule;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Transaction-name clustering on realistic paths: rules, learning, the cap, several nodes. */
class TransactionNamingTest {
  private static final TransactionNaming.Limits LIMITS = new TransactionNaming.Limits(100, 2_000, 20_000, 30_000);

  /** The rule methods of a metadata store, in memory, shared by the "nodes" of a test. */
  private final Map<Long, Map<String, TransactionNameRule>> stored = new ConcurrentHashMap<>();
  private final MetadataStore store = (MetadataStore) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
        Map<String, TransactionNameRule> rules = stored.computeIfAbsent((Long) args[0], k -> new TreeMap<>());
        return switch (method.getName()) {
          case "transactionNameRules" -> new ArrayList<>(rules.values());
          case "addTransactionNameRule" -> {
            TransactionNameRule r = (TransactionNameRule) args[1];
            rules.putIfAbsent(r.pattern(), r);
            yield null;
          }
          case "deleteTransactionNameRule" -> rules.remove((String) args[1]) != null;
          default -> throw new UnsupportedOperationException(method.getName());
        };
      });
  private final AtomicLong clock = new AtomicLong(1_000_000);

  private TransactionNaming node(TransactionNaming.Limits limits) {
    return new TransactionNaming(store, limits, clock::get);
  }

  private static String name(TransactionNames.Naming n, String name) {
    return n.name(name, "url").name();
  }

  @Test
  void rulesMatchSegmentsAndKeepMethodAndQuery() {
    NameRule r = NameRule.parse("/users/*/**");
    assertEquals("GET /users/*/orders", r.apply("GET /users/alice/orders"));
    assertEquals("/users/*", r.apply("/users/bob"));
    assertEquals("/users/*?tab=1", r.apply("/users/bob?tab=1"));
    assertEquals("/users", r.apply("/users"));
    assertEquals("/users/", r.apply("/users/"), "an empty segment is no id");
    assertEquals("/teams/alice", r.apply("/teams/alice"));
    String same = "/users/*/orders";
    assertTrue(same == r.apply(same), "an unchanged name is the same string");
    NameRule exact = NameRule.parse("/shop/*/reviews");
    assertEquals("/shop/*/reviews", exact.apply("/shop/lamp/reviews"));
    assertEquals("/shop/lamp/reviews/2", exact.apply("/shop/lamp/reviews/2"), "no ** : no further segments");
    for (String bad : new String[] {"users/*", "/", "/a//b", "/a/**/b", "/a/b*", "/a/?x", null}) {
      assertThrows(IllegalArgumentException.class, () -> NameRule.parse(bad), String.valueOf(bad));
    }
  }

  @Test
  void obviousIdsAreParameterizedBeforeAnyLearning() {
    TransactionNames.Naming n = node(LIMITS).forProject(1);
    assertEquals(new TransactionNames.Named("GET /api/v2/orders/*", "sanitized"), n.name("GET /api/v2/orders/918273", "url"));
    assertEquals("/files/*/download", name(n, "/files/3f2504e0-4f89-11d3-9a0c-0305e82c3301/download"));
    assertEquals("/commits/*", name(n, "/commits/da39a3ee5e6b4b0d3255bfef95601890afd80709"));
    assertEquals("/reports/*/summary", name(n, "/reports/2024-05-01/summary"));
    assertEquals("/invite/*", name(n, "/invite/qXvBnMaKsLdPwRtYeUzI"), "a long mixed-case token");
    assertEquals("/docs/GettingStartedGuide", name(n, "/docs/GettingStartedGuide"), "camel case is a word");
    assertEquals(new TransactionNames.Named("GET /api/v1/health", "url"), n.name("GET /api/v1/health", "url"));
    assertEquals(List.of(), store.transactionNameRules(1), "nothing learned");
  }

  @Test
  void highCardinalitySegmentsBecomeARuleAndFewDistinctOnesStay() {
    TransactionNames.Naming n = node(LIMITS).forProject(1);
    String[] endpoints = {"health", "users", "orders", "products", "cart", "checkout", "search", "login", "logout",
        "metrics", "status", "config", "categories", "reviews", "wishlist", "payments", "shipping", "invoices"};
    for (String e : endpoints) assertEquals("GET /api/v1/" + e, name(n, "GET /api/v1/" + e));
    for (int i = 0; i < 150; i++) {
      String user = "user-" + (char) ('a' + i % 26) + (char) ('a' + i / 26) + "x";
      name(n, "GET /api/v1/users/" + user + "/orders");
      name(n, "GET /blog/" + (char) ('a' + i % 26) + (char) ('a' + i / 26) + "-a-story-of-bread");
    }
    assertEquals(List.of("/api/v1/users/*/**", "/blog/*/**"),
        store.transactionNameRules(1).stream().map(TransactionNameRule::pattern).toList());
    assertEquals(new TransactionNames.Named("GET /api/v1/users/*/orders", "sanitized"),
        n.name("GET /api/v1/users/zed/orders", "url"));
    assertEquals("GET /blog/*", name(n, "GET /blog/another-post"));
    for (String e : endpoints) assertEquals("GET /api/v1/" + e, name(n, "GET /api/v1/" + e), "not merged");
    assertEquals("/api/v1/users", name(n, "/api/v1/users"));
  }

  @Test
  void theFirstLevelRoutesAndCustomNamesAreNeverRewritten() {
    TransactionNames.Naming n = node(LIMITS).forProject(1);
    for (int i = 0; i < 300; i++) {
      String slug = "page" + (char) ('a' + i % 26) + (char) ('a' + i / 26);
      assertEquals("/" + slug, name(n, "/" + slug));
      assertEquals(new TransactionNames.Named("GET /things/" + slug, "route"), n.name("GET /things/" + slug, "route"));
      assertEquals(new TransactionNames.Named("/jobs/" + slug, "custom"), n.name("/jobs/" + slug, "custom"));
      assertEquals(new TransactionNames.Named("/views/" + slug, "view"), n.name("/views/" + slug, "view"));
    }
    assertEquals(List.of(), store.transactionNameRules(1));
    assertEquals(new TransactionNames.Named("GET /things/12345", "route"), n.name("GET /things/12345", "route"));
  }

  @Test
  void beyondTheCapNewNamesFoldIntoOneBucket() {
    TransactionNames.Naming n = node(new TransactionNaming.Limits(100, 5, 20_000, 30_000)).forProject(1);
    for (int i = 0; i < 5; i++) assertEquals("/p" + (char) ('a' + i) + "/x", name(n, "/p" + (char) ('a' + i) + "/x"));
    assertEquals(new TransactionNames.Named(TransactionNaming.BUCKET, "sanitized"), n.name("/pz/x", "url"));
    assertEquals("/pa/x", name(n, "/pa/x"), "a name seen before keeps its name");
    assertEquals(new TransactionNames.Named("nightly-report", "custom"), n.name("nightly-report", "custom"));
    assertEquals(TransactionNaming.BUCKET, name(n, "GET /pa/12345"), "sanitized first, then a new name");
    assertEquals("/pa/x", name(node(new TransactionNaming.Limits(100, 5, 20_000, 30_000)).forProject(2), "/pa/x"),
        "per project");
  }

  @Test
  void learningIsBoundedInMemory() {
    NameLearner learner = new NameLearner(100, 500);
    for (int i = 0; i < 10_000; i++) {
      learner.observe("/a" + (i % 50) + "x/b" + (i % 97) + "y/c" + i);
      assertTrue(learner.nodes() <= 500, "nodes: " + learner.nodes());
    }
  }

  @Test
  void everyNodeAppliesWhatAnyNodeLearnedAndADeletedRuleGoes() {
    TransactionNames.Naming a = node(LIMITS).forProject(1);
    TransactionNames.Naming b = node(LIMITS).forProject(1);
    assertEquals("/shop/lamp", name(b, "/shop/lamp"));
    for (int i = 0; i < 101; i++) name(a, "/shop/item" + (char) ('a' + i % 26) + (char) ('a' + i / 26));
    assertEquals("/shop/*", name(a, "/shop/chair"));
    assertEquals("/shop/chair", name(b, "/shop/chair"), "before b reads the rules again");
    clock.addAndGet(LIMITS.refreshMs());
    assertEquals("/shop/*", name(b, "/shop/chair"), "after");
    assertTrue(store.deleteTransactionNameRule(1, "/shop/*/**"));
    clock.addAndGet(LIMITS.refreshMs());
    assertEquals("/shop/chair", name(a, "/shop/chair"), "the deleted rule no longer applies");
    assertEquals("/shop/chair", name(b, "/shop/chair"));
    assertEquals(List.of(), store.transactionNameRules(1), "and the learner starts again");
  }
}
