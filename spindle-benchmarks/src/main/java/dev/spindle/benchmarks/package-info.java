/**
 * JMH benchmarks of the Spindle SDK side by side with the OpenTelemetry Java SDK and sentry-java.
 * One class per SDK ({@link SpindleBenchmark}, {@link OpenTelemetryBenchmark},
 * {@link SentryBenchmark}), each with the same benchmark methods doing the same work:
 *
 * <ul>
 *   <li>{@code childSpan}: start and finish one child span of a long-lived, current parent held
 *       by reference; the parent is finished and replaced every {@link Fixtures#CHILDREN_PER_PARENT}
 *       operations, identically for the three, so its cost is amortised into the measurement.
 *   <li>{@code childSpanOfCurrent}: the same, but the parent is found through each SDK's
 *       "current span" lookup.
 *   <li>{@code transactionWith10Children}: a root with ten finished children, finished and handed
 *       to a sink that serializes it (Spindle, sentry-java) or to a no-op exporter behind a
 *       {@code BatchSpanProcessor} (OpenTelemetry).
 *   <li>{@code injectExtract}: write the current span's propagation headers into a map and read
 *       them back.
 * </ul>
 *
 * <p>Build and run commands, the method and the results: {@code BENCHMARKS.md} at the
 * repository root.
 */
package dev.spindle.benchmarks;
