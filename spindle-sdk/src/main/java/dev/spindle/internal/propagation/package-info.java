/**
 * The header codecs (not exported by the module; not API on the classpath either): Sentry's
 * {@code sentry-trace}, W3C {@code baggage} (carrying the Dynamic Sampling Context), and W3C
 * {@code traceparent} / {@code tracestate}. Applications and integrations go through
 * {@code Tracer.inject}/{@code extract} and {@link dev.spindle.propagation}.
 *
 * <p>Entry points: {@link dev.spindle.internal.propagation.TracePropagator} extracts an
 * {@link dev.spindle.propagation.IncomingTrace} from any carrier through a
 * {@link dev.spindle.propagation.Propagation.Getter} and injects an
 * {@link dev.spindle.internal.propagation.OutgoingTrace} through a
 * {@link dev.spindle.propagation.Propagation.Setter};
 * {@link dev.spindle.internal.propagation.TracePropagationTargets} decides which outgoing URLs get headers.
 *
 * <p>Decisions worth knowing (details on each class):
 *
 * <ul>
 *   <li>Parsing never throws; invalid input gives {@code null} (start a new trace) or drops the
 *       offending part only (a baggage member, the whole tracestate).
 *   <li>A valid {@code sentry-trace} wins over {@code traceparent}. Traceparent flags {@code 00}
 *       mean "deferred" unless the baggage says {@code sentry-sampled=false}, because Sentry SDKs
 *       write {@code 00} for both "not sampled" and "no decision".
 *   <li>An incoming DSC whose {@code sentry-trace_id} names another trace is ignored.
 *   <li>Outgoing baggage puts {@code sentry-} members first and, over the 64-member / 8192-byte
 *       limits, drops other members before Sentry ones.
 *   <li>{@code sample_rand} values are multiples of 10<sup>-6</sup> so that formatting with six
 *       decimals (truncating) never changes a sampling decision.
 * </ul>
 */
package dev.spindle.internal.propagation;
import dev.spindle.internal.propagation.Traceparent;
import dev.spindle.internal.propagation.TracePropagator;
import dev.spindle.internal.propagation.OutgoingTrace;
import dev.spindle.internal.propagation.TracePropagationTargets;

