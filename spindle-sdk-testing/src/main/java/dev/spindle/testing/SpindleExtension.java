package dev.spindle.testing;

import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh tracer, installed as {@link Spindle}'s, which
 * samples every transaction and sends to an {@link InMemoryTransport}, timed by a
 * {@link ManualClock} (and installs no uncaught-exception handler unless configured to):
 * <pre>{@code
 * @RegisterExtension
 * static final SpindleExtension spindle = SpindleExtension.create();
 *
 * @Test
 * void checkoutIsTraced() {
 *   shop.checkout(cart);                 // instrumented with Spindle.startTransaction(..)
 *   SentTransaction tx = spindle.transaction("checkout");
 *   assertEquals("db.query", tx.spans().get(0).operation());
 * }
 * }</pre>
 * Tests may also take the {@link Tracer}, the {@link InMemoryTransport} or the
 * {@link ManualClock} as parameters. The tracer is closed after each test. As {@link Spindle}
 * holds one tracer per process, tests using this extension must not run concurrently.
 */
public final class SpindleExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final Consumer<SpindleOptions> configuration;
  private volatile InMemoryTransport transport;
  private volatile ManualClock clock;
  private volatile Tracer tracer;

  private SpindleExtension(Consumer<SpindleOptions> configuration) {
    this.configuration = configuration;
  }

  /** Every transaction sampled, nothing else changed from the defaults. */
  public static SpindleExtension create() {
    return create(o -> { });
  }

  /**
   * Like {@link #create()}, then {@code configuration} may set other options (a release, a
   * sampler, {@code beforeSendTransaction}, a lower rate); the transport and clock are the kit's.
   */
  public static SpindleExtension create(Consumer<SpindleOptions> configuration) {
    return new SpindleExtension(Objects.requireNonNull(configuration, "configuration"));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    InMemoryTransport t = new InMemoryTransport();
    ManualClock c = new ManualClock();
    transport = t;
    clock = c;
    tracer = Spindle.init(o -> {
      // a test does not replace the JVM's uncaught-exception handler unless it asks to
      o.setEnabled(true).setTracesSampleRate(1.0).setUncaughtExceptionHandler(false);
      configuration.accept(o);
      o.setTransport(t).setClock(c);
    });
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Spindle.close();
    tracer = null;
  }

  /** This test's tracer (also {@link Spindle#tracer()}). */
  public Tracer tracer() {
    return started(tracer);
  }

  /** Where this test's tracer sends. */
  public InMemoryTransport transport() {
    return started(transport);
  }

  /** The clock of this test's spans; it moves only when told to. */
  public ManualClock clock() {
    return started(clock);
  }

  /** The transactions sent so far in this test. */
  public List<SentTransaction> transactions() {
    return transport().transactions();
  }

  /** The one transaction named {@code name} sent in this test. */
  public SentTransaction transaction(String name) {
    return transport().transaction(name);
  }

  /** The error events sent so far in this test. */
  public List<SentError> errors() {
    return transport().errors();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Tracer.class || type == InMemoryTransport.class || type == ManualClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == Tracer.class) return tracer();
    if (type == InMemoryTransport.class) return transport();
    return clock();
  }

  private static <T> T started(T value) {
    if (value == null) throw new IllegalStateException("SpindleExtension: no test is running");
    return value;
  }
}
