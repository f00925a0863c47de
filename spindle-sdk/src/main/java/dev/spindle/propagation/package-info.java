/**
 * Trace headers over any carrier: {@link dev.spindle.propagation.Propagation}'s getter and setter
 * for {@code Tracer.inject}/{@code extract}, and what an incoming request carried
 * ({@link dev.spindle.propagation.IncomingTrace}, its {@link dev.spindle.propagation.Baggage} and
 * {@link dev.spindle.propagation.DynamicSamplingContext}). The header codecs are internal.
 */
package dev.spindle.propagation;
