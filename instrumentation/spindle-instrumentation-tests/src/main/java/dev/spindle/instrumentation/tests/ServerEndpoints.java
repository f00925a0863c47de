package dev.spindle.instrumentation.tests;

import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.User;

/**
 * The endpoints a server under {@link AbstractHttpServerTest} serves, and what they do, so that
 * each integration wires them into its framework with a few lines. All are {@code GET}.
 *
 * <table>
 *   <caption>endpoints</caption>
 *   <tr><th>path</th><th>route known to the framework</th><th>answer</th></tr>
 *   <tr><td>{@value #OK}</td><td>{@value #OK}</td><td>200 {@code ok}</td></tr>
 *   <tr><td>{@code /items/<id>}</td><td>{@value #ITEMS_ROUTE}</td><td>200 {@code item <id>}</td></tr>
 *   <tr><td>{@code /files/...} (any depth)</td><td>none: a prefix or wildcard mapping</td><td>200 {@code ok}</td></tr>
 *   <tr><td>{@code /status/<code>}</td><td>{@value #STATUS_ROUTE}</td><td>that code, no body</td></tr>
 *   <tr><td>{@value #EXCEPTION}</td><td>{@value #EXCEPTION}</td><td>the handler throws {@link #failure()}, before any response</td></tr>
 *   <tr><td>{@value #CURRENT}</td><td>{@value #CURRENT}</td><td>200 with body {@link #currentSpanBody()}</td></tr>
 *   <tr><td>{@value #CHILD}</td><td>{@value #CHILD}</td><td>runs {@link #childWork()}, then 200 {@code ok}</td></tr>
 * </table>
 */
public final class ServerEndpoints {
  public static final String OK = "/ok";
  public static final String ITEMS_PREFIX = "/items/";
  public static final String ITEMS_ROUTE = "/items/{id}";
  public static final String FILES_PREFIX = "/files/";
  public static final String STATUS_PREFIX = "/status/";
  public static final String STATUS_ROUTE = "/status/{code}";
  public static final String EXCEPTION = "/exception";
  public static final String CURRENT = "/current";
  public static final String CHILD = "/child";
  /** The operation of the span {@link #childWork()} records. */
  public static final String CHILD_OPERATION = "child.work";
  /** The tag {@link #currentSpanBody()} sets. */
  public static final String TRACE_TAG = "request.trace";

  private ServerEndpoints() {}

  /**
   * {@code <trace_id>-<span_id>} of the span current in the handler, for {@value #CURRENT}. It
   * also sets the request's user ({@code user-<trace_id>}) and tag {@value #TRACE_TAG}
   * ({@code <trace_id>}) through {@link Spindle}, which must reach this request's transaction only.
   */
  public static String currentSpanBody() {
    Span s = Spindle.currentSpan();
    Spindle.setUser(User.ofId("user-" + s.traceId()));
    Spindle.setTag(TRACE_TAG, s.traceId());
    return s.traceId() + "-" + s.spanId();
  }

  /** Records a child span of the current span, for {@value #CHILD}. */
  public static void childWork() {
    Spindle.currentSpan().startChild(CHILD_OPERATION, "child work").finish();
  }

  /** The exception the {@value #EXCEPTION} handler throws. */
  public static RuntimeException failure() {
    return new IllegalStateException("boom from " + EXCEPTION);
  }

  /** The status code asked for by a {@code /status/<code>} path, or 400 when it is not a number. */
  public static int statusOf(String path) {
    try {
      return Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
    } catch (NumberFormatException e) {
      return 400;
    }
  }
}
