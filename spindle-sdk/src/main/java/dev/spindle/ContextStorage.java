package dev.spindle;

/**
 * The span current on each thread, for one tracer: each {@link Tracer} has its own thread-local,
 * so two tracers in one process never see (or propagate) each other's spans. A span is made
 * current in its own tracer's storage. When the outermost scope on a thread closes, the
 * thread-local entry is removed, so pooled threads of a redeployed application keep no reference
 * to Spindle's classes. Scope decorators (MDC) are process-wide.
 */
final class ContextStorage {
  private static final ScopeDecorator[] NONE = {};
  private static volatile ScopeDecorator[] decorators = NONE;

  private final ThreadLocal<Span> current = new ThreadLocal<>();

  /** The current span, or null. */
  Span current() {
    return current.get();
  }

  /** Makes {@code span} (null: none) current; the returned scope restores what was current before. */
  Scope attach(Span span) {
    Span previous = current.get();
    if (span == null) current.remove();
    else current.set(span);
    RestoringScope restoring = new RestoringScope(this, span, previous);
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

  void restore(Span previous) {
    if (previous == null) current.remove();
    else current.set(previous);
  }

  /** Restores the previous span when closed; closing twice does nothing. */
  static final class RestoringScope implements Scope {
    final ContextStorage storage;
    final Span span;
    final Span previous;
    final Thread owner = Thread.currentThread();
    private boolean closed;

    RestoringScope(ContextStorage storage, Span span, Span previous) {
      this.storage = storage;
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
      storage.restore(previous);
    }
  }
}
