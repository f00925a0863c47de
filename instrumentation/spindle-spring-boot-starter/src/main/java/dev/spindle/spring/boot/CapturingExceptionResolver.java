package dev.spindle.spring.boot;

import dev.spindle.Tracer;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Sends every exception a Spring MVC handler throws as an error event tied to the request's
 * transaction (which is current here), before any other resolver or {@code @ExceptionHandler}
 * turns it into a response; resolves nothing itself. Exceptions that Spring answers with a 4xx
 * ({@link ErrorResponse}s such as {@code ResponseStatusException(NOT_FOUND)} or a missing
 * parameter) are the client's and are not sent.
 */
final class CapturingExceptionResolver implements HandlerExceptionResolver, Ordered {
  private static final String CAPTURED = CapturingExceptionResolver.class.getName() + ".captured";

  private final Tracer tracer;

  CapturingExceptionResolver(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
      Object handler, Exception ex) {
    request.setAttribute(CAPTURED, ex);
    RouteNaming.apply(request); // the error names the route, as its transaction will
    if (!isClientError(ex)) tracer.captureException(ex);
    return null;
  }

  /** An exception Spring answers with a 4xx: the client's mistake, not sent as an error. */
  static boolean isClientError(Throwable error) {
    return error instanceof ErrorResponse && ((ErrorResponse) error).getStatusCode().is4xxClientError();
  }

  /** True when {@code error}, or one of its causes, went through this resolver. */
  static boolean wasCaptured(ServletRequest request, Throwable error) {
    Object captured = request.getAttribute(CAPTURED);
    if (captured == null) return false;
    Throwable t = error;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) { // bounded: cause cycles
      if (t == captured) return true;
    }
    return false;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
