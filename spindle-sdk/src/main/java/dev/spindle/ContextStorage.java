package dev.spindle;

/**
 * The span current on each thread. One static thread-local, as in Brave and OpenTelemetry: a
 * span made current by any tracer is current for all. When the outermost scope on a thread
 * closes, the thread-local entry is removed, so pooled threads of a redeployed application keep
 * no reference to Spindle's classes.
 */
final class ContextStorage {
  private static final ThreadLocal<Span> CURRENT = new ThreadLocal<>();
  private static final ScopeDecorator[] NONE = {};
  private static volatile ScopeDecorator[] decorators = NONE;

  private ContextStorage() {}

  /** The current span, or null. */
  static Span current() {
    return CURRENT.get();
  }

  /** Makes {@code span} (null: none) current; the returned scope restores what was current before. */
  static Scope attach(Span span) {
    Span previous = CURRENT.get();
    if (span == null) CURRENT.remove();
    else CURRENT.set(span);
    RestoringScope restoring = new RestoringScope(span, previous);
    Scope scope = restoring;
    for (ScopeDecorator d : decorators) scope = decorate(d, span, scope);
    StrictScopes strict = StrictScopes.active;
    return strict == null ? scope : strict.track(restoring, scope);
  }

  private static Scope decorate(ScopeDecorator decorator, Span span, Scope scope) {
    try {
      Scope decorated = decorator.decorate(span, scope);
      return decorated == null ? scope : decorated;
    } catch (RuntimeException e) {
      System.getLogger(ContextStorage.class.getName())
          .log(System.Logger.Level.WARNING, "scope decorator " + decorator + " threw", e);
      return scope;
    }
  }

  static synchronized void addDecorator(ScopeDecorator decorator) {
    ScopeDecorator[] copy = java.util.Arrays.copyOf(decorators, decorators.length + 1);
    copy[decorators.length] = decorator;
    decorators = copy;
  }

  static synchronized void removeDecorator(ScopeDecorator decorator) {
    decorators = java.util.Arrays.stream(decorators).filter(d -> d != decorator)
        .toArray(ScopeDecorator[]::new);
  }

  static void restore(Span previous) {
    if (previous == null) CURRENT.remove();
    else CURRENT.set(previous);
  }

  /** Restores the previous span when closed; closing twice does nothing. */
  static final class RestoringScope implements Scope {
    final Span span;
    final Span previous;
    final Thread owner = Thread.currentThread();
    private boolean closed;

    RestoringScope(Span span, Span previous) {
      this.span = span;
      this.previous = previous;
    }

    @Override
    public void close() {
      if (closed) return;
      if (Thread.currentThread() != owner) {
        // Restoring here would corrupt this thread's context; the owner's entry stays until it
        // is replaced. The strict checker reports this misuse.
        return;
      }
      closed = true;
      restore(previous);
    }
  }
}
