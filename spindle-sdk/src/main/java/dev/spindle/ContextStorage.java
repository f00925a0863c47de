package dev.spindle;

/**
 * The span current on each thread. One static thread-local, as in Brave and OpenTelemetry: a
 * span made current by any tracer is current for all. When the outermost scope on a thread
 * closes, the thread-local entry is removed, so pooled threads of a redeployed application keep
 * no reference to Spindle's classes.
 */
final class ContextStorage {
  private static final ThreadLocal<Span> CURRENT = new ThreadLocal<>();

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
    StrictScopes strict = StrictScopes.active;
    if (strict != null) return strict.track(new RestoringScope(span, previous));
    return new RestoringScope(span, previous);
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
