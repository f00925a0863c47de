package dev.spindle.spring.boot;

import dev.spindle.Tracer;
import dev.spindle.servlet.TracingFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * The servlet {@link TracingFilter} (an {@code http.server} transaction per request, continuing
 * incoming {@code sentry-trace}/{@code baggage}/{@code traceparent}) with what Spring MVC knows:
 * the transaction is named by the matched route ({@link RouteNaming}); an exception escaping the
 * chain that {@link CapturingExceptionResolver} did not see is sent as an error event while the
 * transaction is still current.
 */
final class MvcTracingFilter implements Filter {
  private final TracingFilter tracing;
  private final Tracer tracer;

  MvcTracingFilter(Tracer tracer) {
    this.tracer = tracer;
    this.tracing = TracingFilter.create(tracer);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    tracing.doFilter(request, response, (req, res) -> {
      try {
        chain.doFilter(req, res);
      } catch (IOException | ServletException | RuntimeException | Error e) {
        if (!CapturingExceptionResolver.wasCaptured(req, e)) tracer.captureException(e);
        throw e;
      } finally {
        RouteNaming.apply(req);
      }
    });
  }

  @Override
  public String toString() {
    return "MvcTracingFilter";
  }
}
