package dev.spindle.examples.catalog.server;

import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar catalog-server-all.jar [--port 8080] [--bind 127.0.0.1]}. Sends traces to
 * {@code SPINDLE_DSN} when it is set (sample rate {@code SPINDLE_TRACES_SAMPLE_RATE}, default 1;
 * a caller's decision always wins); without it nothing is traced. {@code CATALOG_PORT} sets the
 * default port.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    int port = Integer.parseInt(env.getOrDefault("CATALOG_PORT", "8080"));
    String bind = "127.0.0.1";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--bind" -> bind = value(args, ++i, "--bind");
        case "--help", "-h" -> {
          System.out.println("usage: catalog-server [--port 8080] [--bind 127.0.0.1]"
              + " (env: SPINDLE_DSN, SPINDLE_TRACES_SAMPLE_RATE, CATALOG_PORT)");
          return;
        }
        default -> {
          System.err.println("unknown argument: " + args[i] + " (try --help)");
          System.exit(2);
        }
      }
    }
    Tracer tracer = Tracer.create(tracingOptions(env));
    CatalogServer server = CatalogServer.start(new InetSocketAddress(bind, port), tracer);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      tracer.close(); // delivers what is queued
      stopped.countDown();
    }, "catalog-server-shutdown"));
    System.out.println("catalog-server listening on " + server.url()
        + (tracer.options().getDsn() == null ? " (tracing off: SPINDLE_DSN not set)" : " (tracing on)"));
    System.out.flush();
    stopped.await();
  }

  /** Tracing options from the environment: nothing is sent without {@code SPINDLE_DSN}. */
  static SpindleOptions tracingOptions(Map<String, String> env) {
    SpindleOptions o = new SpindleOptions().setTag("service.name", "catalog-server");
    String dsn = env.get("SPINDLE_DSN");
    if (dsn == null || dsn.isBlank()) return o;
    String rate = env.get("SPINDLE_TRACES_SAMPLE_RATE");
    return o.setDsn(dsn.trim())
        .setTracesSampleRate(rate == null || rate.isBlank() ? 1.0 : Double.parseDouble(rate.trim()));
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) throw new IllegalArgumentException(name + ": missing value");
    return args[i];
  }
}
