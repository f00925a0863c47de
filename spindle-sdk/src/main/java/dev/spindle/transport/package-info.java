/**
 * What a tracer hands over: {@link dev.spindle.transport.Envelope}s, to a
 * {@link dev.spindle.transport.Transport} (HTTP to the DSN by default; implement it to deliver
 * another way, as the testing kit's {@code InMemoryTransport} does), with
 * {@link dev.spindle.transport.DiscardReason}s for what was lost.
 */
package dev.spindle.transport;
