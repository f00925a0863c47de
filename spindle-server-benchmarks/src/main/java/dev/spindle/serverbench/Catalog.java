package dev.spindle.serverbench;

/**
 * The fixed vocabulary of the generated traces: services, transaction names (four per service),
 * child span operations and descriptions. Shared by the ingestion payloads and the bulk loader so
 * both describe the same kind of traffic.
 */
final class Catalog {
  private Catalog() {}

  static final String[] SERVICES = {"frontend", "orders", "payments", "inventory", "users"};

  /** Transaction names; name {@code i} belongs to service {@code i / 4}. */
  static final String[] TRANSACTIONS = {
      "GET /", "GET /products/{id}", "GET /cart", "POST /checkout",
      "GET /api/orders/{id}", "GET /api/orders", "POST /api/orders", "PUT /api/orders/{id}/status",
      "POST /api/payments", "GET /api/payments/{id}", "POST /api/payments/{id}/refund", "POST /api/payments/webhook",
      "GET /api/stock/{sku}", "POST /api/stock/reserve", "POST /api/stock/release", "GET /api/warehouses",
      "GET /api/users/{id}", "POST /api/users/login", "POST /api/users", "GET /api/users/{id}/addresses"};

  static final String[] METHODS = {"GET", "POST", "PUT"};

  static String method(int tx) {
    String n = TRANSACTIONS[tx];
    return n.substring(0, n.indexOf(' '));
  }

  static String service(int tx) {
    return SERVICES[tx / 4];
  }

  /** Child span kinds: op, origin, the {@code db.system} or {@code null}, descriptions. */
  static final String[] OPS = {"db.query", "http.client", "cache.get", "db.query", "template.render"};
  static final String[] ORIGINS = {"auto.db.jdbc", "auto.http.okhttp", "manual", "auto.db.jdbc", "manual"};
  static final String[][] DESCRIPTIONS = {
      {"SELECT o.id, o.status, o.total FROM orders o WHERE o.id = ?",
          "SELECT * FROM order_lines WHERE order_id = ?",
          "UPDATE orders SET status = ? WHERE id = ?",
          "INSERT INTO audit_log (actor, action, at) VALUES (?, ?, ?)"},
      {"GET http://inventory.internal/api/stock/*", "POST http://payments.internal/api/payments",
          "GET http://users.internal/api/users/*"},
      {"orders:*", "session:*", "price:*"},
      {"SELECT id, name, price FROM products WHERE id IN (?)", "SELECT count(*) FROM cart_items WHERE cart_id = ?"},
      {"checkout.html", "product.html", "cart.html"}};

  static final String[] THREADS = {"http-nio-8080-exec-1", "http-nio-8080-exec-2",
      "http-nio-8080-exec-3", "http-nio-8080-exec-4", "http-nio-8080-exec-5", "http-nio-8080-exec-6",
      "http-nio-8080-exec-7", "http-nio-8080-exec-8"};

  static final String[] RELEASES = {"shop@1.4.0", "shop@1.4.1", "shop@1.5.0"};
  static final String ENVIRONMENT = "production";
}
