package dev.spindle.instrumentation.tests;

import dev.spindle.Spindle;
import dev.spindle.StrictScopes;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaks a scope, closes one twice, out of order or on another thread, or leaves
 * a span current on the test thread. Scopes opened on server threads may close a moment after the
 * client saw its response, so open scopes are awaited (at most {@value #SETTLE_MILLIS} ms) before
 * they are reported.
 */
public final class StrictScopesExtension implements BeforeEachCallback, AfterEachCallback {
  static final long SETTLE_MILLIS = 5000;
  private static final String NOOP_SPAN_ID = "0000000000000000";
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(StrictScopesExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("strict", StrictScopes.enable());
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    try (StrictScopes strict = context.getStore(NS).remove("strict", StrictScopes.class)) {
      long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
      List<String> problems = strict.problems();
      while (!problems.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
        problems = strict.problems();
      }
      strict.assertClean();
      if (!NOOP_SPAN_ID.equals(Spindle.currentSpan().spanId())) {
        throw new AssertionError("a span is still current after the test: " + Spindle.currentSpan());
      }
    }
  }
}
