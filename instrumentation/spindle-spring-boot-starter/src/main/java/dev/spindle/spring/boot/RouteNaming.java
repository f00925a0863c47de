package dev.spindle.spring.boot;

import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.servlet.TracingFilter;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Names the request's transaction by the pattern of the Spring MVC handler mapping that matched
 * ({@code GET /users/{id}}, source {@code route}) as soon as it is known: before the handler runs
 * (so its spans, errors and outgoing trace headers carry the name), and again when the chain
 * returns for mappings that run no interceptors (Actuator's endpoints). The catch-all
 * {@code /**} of the static resources handler names nothing: such requests (most 404s) keep the
 * URL name.
 */
final class RouteNaming implements HandlerInterceptor {
  private static final String CATCH_ALL = "/**";

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    apply(request);
    return true;
  }

  /** Sets the route {@link TracingFilter} names by and renames the transaction; once per request. */
  static void apply(ServletRequest req) {
    if (!(req instanceof HttpServletRequest)) return;
    HttpServletRequest request = (HttpServletRequest) req;
    if (request.getAttribute(TracingFilter.ROUTE_ATTRIBUTE) != null) return;
    String route = route(request.getContextPath(),
        request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE));
    if (route == null) return;
    request.setAttribute(TracingFilter.ROUTE_ATTRIBUTE, route);
    Object tx = request.getAttribute(TracingFilter.TRANSACTION_ATTRIBUTE);
    if (tx instanceof Transaction) {
      ((Transaction) tx).setName(request.getMethod() + " " + route, TransactionSource.ROUTE);
    }
  }

  /** The route of a matched handler pattern (MVC's string, WebFlux's {@code PathPattern}), or null. */
  static String route(String contextPath, Object pattern) {
    if (pattern == null || CATCH_ALL.equals(pattern.toString())) return null;
    return (contextPath == null ? "" : contextPath) + pattern;
  }
}
