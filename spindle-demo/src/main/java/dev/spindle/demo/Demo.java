package dev.spindle.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionContext;
import dev.spindle.TransactionSource;
import dev.spindle.instrumentation.httpclient.TracingHttpClient;
import dev.spindle.jdbc.TracingDataSource;
import dev.spindle.protocol.Dsn;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The seed's example system as real services on loopback, each traced by its own tracer as if it
 * ran on its own machine:
 *
 * <ul>
 *   <li><b>page load</b>: {@code browser} &rarr; 5 requests to {@code backend} &rarr; one of them
 *       calls {@code database}, whose auth query dominates the load time;
 *   <li><b>submit order</b>: {@code browser} &rarr; {@code backend} &rarr; {@code payment-api}
 *       (external, not instrumented: a leaf without a transaction) and {@code email-queue}, which
 *       hands the mail to {@code email} asynchronously. {@code email-queue}'s transactions are
 *       lost ({@code beforeSendTransaction} drops them), so {@code email}'s transaction is an
 *       orphan. {@code backend} also reserves stock at {@code inventory} through a client whose
 *       trace headers were fixed when it was made (the seed's bug, {@link FixedHeadersClient}):
 *       the context is lost and {@code inventory} starts a new trace every time;
 *   <li><b>cron job</b>: {@code cron} &rarr; {@code partner-api} (external) &rarr; processing
 *       &rarr; {@code storage} &rarr; {@code internal} &rarr; {@code cache}. {@code internal}'s
 *       clock runs {@link #CLOCK_AHEAD} ahead, so Spindle adjusts its transaction for skew.
 * </ul>
 *
 * The head of each trace ({@code browser}, {@code cron}) samples at the chosen rate; every other
 * service follows the decision it receives.
 */
public final class Demo implements AutoCloseable {
  /** How far the {@code internal} service's clock runs ahead. */
  public static final Duration CLOCK_AHEAD = Duration.ofMillis(250);
  /** The back-end endpoints a page load calls, in parallel. */
  static final List<String> PAGE_REQUESTS =
      List.of("/api/user", "/api/products", "/api/cart", "/api/recommendations", "/api/config");

  private final HttpClient shared;
  private final List<Service> services = new ArrayList<>();
  private final List<Tracer> clientTracers = new ArrayList<>();
  private final Tracer browser;
  private final Tracer cron;
  private final HttpClient browserClient;
  private final HttpClient cronClient;
  private final ExecutorService browserPool;
  private final ExecutorService emailConsumer;
  private Service backend;
  private Service database;
  private Service payment;
  private Service emailQueue;
  private Service email;
  private FixedHeadersClient stock;
  private Service partner;
  private Service storage;
  private Service internal;
  private Service cache;

  private Demo(String dsn, double sampleRate) {
    this.shared = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.browser = tracer("browser", dsn, sampleRate, null, null);
    this.cron = tracer("cron", dsn, sampleRate, null, null);
    clientTracers.add(browser);
    clientTracers.add(cron);
    this.browserClient = TracingHttpClient.create(shared, browser);
    this.cronClient = TracingHttpClient.create(shared, cron);
    this.browserPool = browser.wrap(Executors.newFixedThreadPool(5, daemon("demo-browser")));
    this.emailConsumer = Executors.newSingleThreadExecutor(daemon("demo-email-queue-consumer"));
  }

  /**
   * Starts every service, sending to {@code dsn}; traces begin with probability
   * {@code sampleRate}.
   */
  public static Demo start(String dsn, double sampleRate) throws IOException {
    Objects.requireNonNull(dsn, "dsn");
    Dsn.parse(dsn); // fail fast on a bad DSN
    if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) {
      throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: 0..1)");
    }
    Demo demo = new Demo(dsn, sampleRate);
    try {
      demo.startServices(dsn);
    } catch (IOException | RuntimeException e) {
      demo.close();
      throw e;
    }
    return demo;
  }

  private static Tracer tracer(String service, String dsn, double rate,
      UnaryOperator<dev.spindle.TransactionData> beforeSend, Duration clockAhead) {
    SpindleOptions o = new SpindleOptions().setDsn(dsn).setTracesSampleRate(rate)
        .setTag("service.name", service).setServerName(service + ".demo.local")
        .setRelease("spindle-demo@1.0").setEnvironment("demo");
    if (beforeSend != null) o.setBeforeSendTransaction(beforeSend);
    if (clockAhead != null) o.setClock(new SkewedClock(clockAhead));
    return Tracer.create(o);
  }

  private Service add(Service s) {
    services.add(s);
    return s;
  }

  private void startServices(String dsn) throws IOException {
    // Downstream services sample at 1.0 on their own, but follow the decision they receive.
    Tracer dbTracer = tracerFor("database", dsn);
    DataSource dbData = TracingDataSource.wrap(h2("database"), dbTracer);
    database = add(Service.instrumented("database", dbTracer, shared));
    seedDatabase(dbData);
    database.route("/query/auth", ex -> authQuery(dbData, ex)).start();

    payment = add(Service.external("payment-api", shared));
    payment.route("/charge", ex -> {
      pause(60);
      return "{\"charged\":true}";
    }).start();

    email = add(Service.instrumented("email", tracerFor("email", dsn), shared));
    email.route("/send", ex -> {
      work(email.tracer, "template.render", "order confirmation", 15);
      work(email.tracer, "smtp.send", "smtp://mail.demo.local", 25);
      return "{\"sent\":true}";
    }).start();

    // The lost hop: every email-queue transaction is dropped before it is sent.
    Tracer queueTracer = tracer("email-queue", dsn, 1.0, tx -> null, null);
    emailQueue = add(Service.instrumented("email-queue", queueTracer, shared));
    emailQueue.route("/enqueue", ex -> {
      Runnable deliver = () -> {
        try {
          emailQueue.call("POST", email.url("/send"), "{\"template\":\"order-confirmation\"}");
        } catch (IOException e) {
          // the demo goes on; the span records the failure
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      emailConsumer.execute(queueTracer.wrap(deliver)); // answers now, delivers later
      return "{\"queued\":true}";
    }).start();

    Service inventory = add(Service.instrumented("inventory", tracerFor("inventory", dsn), shared));
    inventory.route("/reserve", ex -> {
      work(inventory.tracer, "stock.reserve", "reserve cart items", 8);
      return "{\"reserved\":true}";
    }).start();

    Tracer backendTracer = tracerFor("backend", dsn);
    // Made now, outside any trace: its fixed headers carry no context (the lost edge).
    stock = new FixedHeadersClient(shared, backendTracer, inventory.url("/reserve"));
    backend = add(Service.instrumented("backend", backendTracer, shared));
    backend.route("/api/user", ex -> backend.call("POST", database.url("/query/auth"), "{\"token\":\"t\"}"))
        .route("/api/products", ex -> {
          work(backend.tracer, "products.load", "featured products", 20);
          return "[]";
        })
        .route("/api/cart", ex -> {
          work(backend.tracer, "cart.load", "cart of session", 10);
          return "{}";
        })
        .route("/api/recommendations", ex -> {
          work(backend.tracer, "recommend.rank", "rank 50 candidates", 35);
          return "[]";
        })
        .route("/api/config", ex -> {
          work(backend.tracer, "config.read", "feature flags", 3);
          return "{}";
        })
        .route("/api/orders", ex -> {
          work(backend.tracer, "order.validate", "validate cart", 10);
          stock.post("{\"cart\":1}");
          backend.call("POST", payment.url("/charge"), "{\"amount\":4200}");
          backend.call("POST", emailQueue.url("/enqueue"), "{\"order\":1}");
          return "{\"order\":1}";
        })
        .start();

    cache = add(Service.instrumented("cache", tracerFor("cache", dsn), shared));
    cache.route("/put", ex -> {
      work(cache.tracer, "cache.put", "SET report:latest", 2);
      return "{}";
    }).start();

    Tracer skewed = tracer("internal", dsn, 1.0, null, CLOCK_AHEAD);
    internal = add(Service.instrumented("internal", skewed, shared));
    internal.route("/index", ex -> {
      work(skewed, "index.build", "rebuild report index", 20);
      return internal.call("POST", cache.url("/put"), "{}");
    }).start();

    Tracer storageTracer = tracerFor("storage", dsn);
    DataSource storageData = TracingDataSource.wrap(h2("storage"), storageTracer);
    try (Connection c = storageData.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE reports (id IDENTITY, body VARCHAR(1000))");
    } catch (SQLException e) {
      throw new IOException("storage database: " + e.getMessage(), e);
    }
    storage = add(Service.instrumented("storage", storageTracer, shared));
    storage.route("/store", ex -> {
      try (Connection c = storageData.getConnection();
          PreparedStatement p = c.prepareStatement("INSERT INTO reports (body) VALUES (?)")) {
        p.setString(1, "nightly report");
        p.executeUpdate();
      }
      return storage.call("POST", internal.url("/index"), "{}");
    }).start();

    partner = add(Service.external("partner-api", shared));
    partner.route("/export", ex -> {
      pause(40);
      return "{\"rows\":1200}";
    }).start();
  }

  private static Tracer tracerFor(String service, String dsn) {
    return tracer(service, dsn, 1.0, null, null);
  }

  private static JdbcDataSource h2(String name) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:demo-" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }

  private static void seedDatabase(DataSource ds) throws IOException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ALIAS AUTH_CHECK FOR 'dev.spindle.demo.SlowSql.authCheck'");
      s.execute("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(100))");
      s.execute("CREATE TABLE sessions (token VARCHAR(64) PRIMARY KEY, user_id INT)");
      s.execute("INSERT INTO users VALUES (1, 'Ada')");
      s.execute("INSERT INTO sessions VALUES ('t', 1)");
    } catch (SQLException e) {
      throw new IOException("database: " + e.getMessage(), e);
    }
  }

  private static String authQuery(DataSource ds, HttpExchange ex) throws SQLException {
    try (Connection c = ds.getConnection()) {
      int userId = 0;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT user_id FROM sessions WHERE token = ? AND AUTH_CHECK(token) = 1")) {
        p.setString(1, "t");
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) userId = r.getInt(1);
        }
      }
      try (PreparedStatement p = c.prepareStatement("SELECT name FROM users WHERE id = ?")) {
        p.setInt(1, userId);
        try (ResultSet r = p.executeQuery()) {
          return "{\"user\":\"" + (r.next() ? r.getString(1) : "") + "\"}";
        }
      }
    }
  }

  /** A child span of {@code tracer}'s current span that lasts about {@code millis}. */
  private static void work(Tracer tracer, String op, String description, long millis)
      throws InterruptedException {
    Span span = tracer.currentSpan().startChild(op, description);
    try {
      pause(millis);
    } finally {
      span.finish();
    }
  }

  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis + ThreadLocalRandom.current().nextLong(millis / 4 + 1));
  }

  /** One page load: returns its trace id. */
  public String pageLoad() throws Exception {
    Transaction tx = browser.startTransaction(
        TransactionContext.builder("/shop", "pageload").source(TransactionSource.URL).build());
    try (Scope s = tx.makeCurrent()) {
      work(browser, "resource.script", "/static/app.js", 15);
      List<Future<String>> calls = new ArrayList<>();
      for (String path : PAGE_REQUESTS) {
        String url = backend.url(path);
        calls.add(browserPool.submit(() -> Service.send(browserClient, "GET", url, null)));
      }
      for (Future<String> f : calls) f.get(30, TimeUnit.SECONDS);
      work(browser, "ui.render", "render /shop", 10);
    } finally {
      tx.finish();
    }
    return tx.traceId();
  }

  /** One "submit order" click: returns its trace id. */
  public String submitOrder() throws Exception {
    Transaction tx = browser.startTransaction(
        TransactionContext.builder("submit order", "ui.action").source(TransactionSource.COMPONENT).build());
    try (Scope s = tx.makeCurrent()) {
      Service.send(browserClient, "POST", backend.url("/api/orders"), "{\"cart\":1}");
    } finally {
      tx.finish();
    }
    return tx.traceId();
  }

  /** One run of the nightly job: returns its trace id. */
  public String cronJob() throws Exception {
    Transaction tx = cron.startTransaction(
        TransactionContext.builder("nightly-report", "cron").source(TransactionSource.TASK).build());
    try (Scope s = tx.makeCurrent()) {
      Service.send(cronClient, "GET", partner.url("/export"), null);
      work(cron, "process.transform", "aggregate 1200 rows", 30);
      Service.send(cronClient, "POST", storage.url("/store"), "{\"report\":\"nightly\"}");
    } finally {
      tx.finish();
    }
    return tx.traceId();
  }

  /** What {@link #run} did. */
  public record Stats(long pageLoads, long orders, long cronJobs, long failures) {
    public long total() {
      return pageLoads + orders + cronJobs;
    }
  }

  /**
   * Runs operations at {@code perSecond} (page loads, orders and cron jobs in a 4:2:1 mix) for
   * {@code duration}, printing the first trace of each kind and progress to {@code out}.
   */
  public Stats run(double perSecond, Duration duration, PrintStream out) throws InterruptedException {
    if (!(perSecond > 0 && perSecond <= 1000)) {
      throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: > 0 and <= 1000)");
    }
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(out, "out");
    String[] mix = {"page load", "submit order", "page load", "cron job", "page load", "submit order", "page load"};
    AtomicLong pages = new AtomicLong();
    AtomicLong orders = new AtomicLong();
    AtomicLong crons = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    Map<String, Boolean> announced = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService load = Executors.newFixedThreadPool(4, daemon("demo-load"));
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("demo-ticker"));
    long periodMicros = Math.max(1000, (long) (1_000_000 / perSecond));
    ticker.scheduleAtFixedRate(() -> load.execute(() -> {
      String kind = mix[Math.floorMod(next.getAndIncrement(), mix.length)];
      try {
        String traceId = switch (kind) {
          case "page load" -> pageLoad();
          case "submit order" -> submitOrder();
          default -> cronJob();
        };
        (kind.equals("page load") ? pages : kind.equals("submit order") ? orders : crons).incrementAndGet();
        if (announced.putIfAbsent(kind, true) == null) out.println("  first " + kind + ": trace " + traceId);
      } catch (Exception e) {
        failures.incrementAndGet();
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      }
    }), 0, periodMicros, TimeUnit.MICROSECONDS);
    long end = System.nanoTime() + duration.toNanos();
    long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      while (System.nanoTime() < end) {
        long now = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(Math.min(end - now, Math.max(0, nextReport - now)) + 1);
        if (System.nanoTime() >= nextReport && System.nanoTime() < end) {
          out.println("  " + (pages.get() + orders.get() + crons.get()) + " operations so far ("
              + failures.get() + " failed)");
          nextReport += TimeUnit.SECONDS.toNanos(10);
        }
      }
    } finally {
      ticker.shutdownNow();
      load.shutdown();
      load.awaitTermination(30, TimeUnit.SECONDS);
    }
    return new Stats(pages.get(), orders.get(), crons.get(), failures.get());
  }

  /** Waits until every service's traces are delivered; false when the timeout passed first. */
  public boolean flush(Duration timeout) {
    boolean all = true;
    for (Tracer t : clientTracers) all &= t.flush(timeout);
    for (Service s : services) if (s.tracer != null) all &= s.tracer.flush(timeout);
    return all;
  }

  /** Stops every service and delivers what is queued. */
  @Override
  public void close() {
    browserPool.shutdownNow();
    emailConsumer.shutdown();
    try {
      emailConsumer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Service s : services) s.close();
    for (Tracer t : clientTracers) t.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
