package dev.spindle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-mode checker of scopes: once {@link #enable() enabled}, it records every scope opened
 * with {@link Span#makeCurrent()} and reports scopes never closed, closed twice, closed out of
 * order or closed on another thread than the one that opened them. Use it in tests:
 *
 * <pre>{@code
 * StrictScopes strict = StrictScopes.enable();
 * ... run the code under test ...
 * strict.assertClean(); // throws AssertionError listing every misuse
 * }</pre>
 *
 * It checks the scopes of every tracer in the process (each against its own tracer's current
 * span) and costs a stack trace per scope, so it is never on in production.
 */
public final class StrictScopes implements AutoCloseable {
  static volatile StrictScopes active;

  private final Map<Scope, Throwable> open = new ConcurrentHashMap<>();
  private final List<String> violations = new ArrayList<>();

  private StrictScopes() {}

  /** Starts checking every scope opened from now on, replacing any earlier checker. */
  public static StrictScopes enable() {
    StrictScopes s = new StrictScopes();
    active = s;
    return s;
  }

  /** Stops checking. */
  @Override
  public void close() {
    if (active == this) active = null;
  }

  /** Misuses seen so far, plus scopes still open (with where they were opened). */
  public List<String> problems() {
    List<String> result;
    synchronized (violations) {
      result = new ArrayList<>(violations);
    }
    for (Throwable where : open.values()) {
      result.add("scope never closed: " + where.getMessage() + " opened at " + origin(where));
    }
    return result;
  }

  /** Throws an AssertionError listing every problem, if any. */
  public void assertClean() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " scope problem(s):\n  " + String.join("\n  ", problems));
    }
  }

  Scope track(ContextStorage.RestoringScope scope, Scope decorated) {
    Throwable where = new Throwable(describe(scope.span) + " on " + scope.owner.getName());
    StrictScope strict = new StrictScope(scope, decorated);
    open.put(strict, where);
    return strict;
  }

  private void violation(String message) {
    synchronized (violations) {
      violations.add(message);
    }
  }

  private static String describe(Span span) {
    if (span == null) return "no span";
    return "span " + span.spanId() + " (" + span.operation() + ")";
  }

  private static String origin(Throwable where) {
    for (StackTraceElement e : where.getStackTrace()) {
      String c = e.getClassName();
      if (!c.startsWith("dev.spindle.") || c.endsWith("Test")) return e.toString();
    }
    return where.getStackTrace().length > 0 ? where.getStackTrace()[0].toString() : "?";
  }

  private final class StrictScope implements Scope {
    private final ContextStorage.RestoringScope delegate;
    private final Scope decorated;
    private boolean closed;

    StrictScope(ContextStorage.RestoringScope delegate, Scope decorated) {
      this.delegate = delegate;
      this.decorated = decorated;
    }

    @Override
    public void close() {
      String what = describe(delegate.span);
      if (Thread.currentThread() != delegate.owner) {
        violation("scope of " + what + " opened on " + delegate.owner.getName()
            + " closed on another thread " + Thread.currentThread().getName());
        return;
      }
      if (closed) {
        violation("scope of " + what + " closed twice");
        return;
      }
      closed = true;
      open.remove(this);
      Span current = delegate.storage.current();
      if (current != delegate.span) {
        violation("scope of " + what + " closed out of order (current is "
            + (current == null ? "none" : describe(current)) + ")");
      }
      decorated.close();
    }
  }
}
