/**
 * The Spindle SDK. API: {@code dev.spindle} (start here: {@code Spindle}, {@code Tracer}),
 * {@code dev.spindle.propagation} (carriers and what {@code Tracer.extract} reads) and
 * {@code dev.spindle.transport} (to deliver envelopes another way). The header codecs and the HTTP
 * transport ({@code dev.spindle.internal.*}) are not exported.
 */
module dev.spindle {
  requires transitive dev.spindle.protocol; // SpanStatus is part of Span's API
  requires java.net.http;

  exports dev.spindle;
  exports dev.spindle.propagation;
  exports dev.spindle.transport;
}
