package dev.spindle;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaks a scope (leaves a span current), closes one twice, out of order or on
 * another thread.
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
      strict.assertClean(); // a span still current on the test thread is a scope never closed
    }
  }
}
