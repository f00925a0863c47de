package dev.spindle;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaks a scope, closes one twice, out of order or on another thread, or
 * leaves a span current on the test thread.
 */
public final class StrictScopesExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(StrictScopesExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("strict", StrictScopes.enable());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try (StrictScopes strict = context.getStore(NS).remove("strict", StrictScopes.class)) {
      strict.assertClean();
      if (ContextStorage.current() != null) {
        throw new AssertionError("a span is still current after the test: " + ContextStorage.current());
      }
    }
  }
}
