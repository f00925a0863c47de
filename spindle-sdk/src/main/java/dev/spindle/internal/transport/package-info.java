/**
 * Delivery of envelopes to a Sentry-compatible server (not exported by the module; not API on
 * the classpath either): {@link dev.spindle.internal.transport.HttpTransport}, the
 * {@link dev.spindle.transport.Transport} a tracer with a DSN uses.
 *
 * <h2>Design decisions</h2>
 *
 * <ul>
 *   <li><b>The application thread never waits.</b> {@code send} only appends to a bounded queue
 *       under a lock that the senders hold for a few instructions, never during I/O. Everything
 *       else (rate-limit filtering, serialization, gzip, HTTP, disk) happens on the daemon
 *       threads {@code spindle-transport-<n>}.
 *   <li><b>Several requests in flight, not batches.</b> Sentry (Relay) and Spindle's server take
 *       one transaction and one error event per envelope and one envelope per request, so a
 *       transport that waits for each answer before the next request delivers one transaction per
 *       round trip. Each of a few senders (default 4) keeps one request in flight on its own
 *       kept-alive connection; past the queue, envelopes are dropped and counted, never held.
 *       Each sender reuses one {@code Deflater}.
 *   <li><b>At-least-once, not exactly-once.</b> A spooled file is deleted only after a 2xx, so a
 *       crash between the 2xx and the delete (or a file the OS refuses to delete) can deliver an
 *       envelope twice after a restart. The server de-duplicates by {@code event_id}.
 *       {@code close()} abandons an HTTP call still in flight after the shutdown timeout and
 *       spools that envelope, which may also duplicate it if the server had received it.
 *   <li><b>The spool evicts the oldest files when full</b> (recorded as {@code queue_overflow}):
 *       during a long outage the freshest data is the most useful.
 *   <li><b>Retries are bounded, then the server counts as unreachable.</b> While unreachable,
 *       new envelopes go straight to the spool without a network attempt, and one probe (the
 *       oldest spooled envelope) is made after each backoff period, doubling up to the maximum.
 *       Without a spool, each envelope gets a single attempt while unreachable.
 *   <li><b>Client reports are moved, not copied.</b> Counts are taken out of the recorder when a
 *       report is attached and put back if that envelope is not delivered (or its spooled copy is
 *       evicted), so they are neither lost nor counted twice. Rate-limited items of a spooled
 *       envelope are removed from its file, so they are not counted again on the next attempt.
 *   <li><b>Rate limits</b> are kept per category with the injected clock; {@code Retry-After}
 *       is honoured on 429 only (a 503 is retried with backoff). Client reports are never
 *       dropped by a per-category limit, only by an all-categories one.
 * </ul>
 */
package dev.spindle.internal.transport;
import dev.spindle.internal.transport.HttpTransport;

