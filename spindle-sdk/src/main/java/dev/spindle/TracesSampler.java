package dev.spindle;

/**
 * Decides the sample rate of each new transaction at the head of a trace, or of a continued
 * trace. Return a rate in [0, 1], or null to fall back to the parent's decision and then to
 * {@code tracesSampleRate}.
 */
@FunctionalInterface
public interface TracesSampler {
  Double sample(SamplingContext context);
}
