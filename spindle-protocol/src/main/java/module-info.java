/**
 * The wire facts the Spindle SDK and server share. API: {@code dev.spindle.protocol}
 * ({@code SpanStatus}, {@code Dsn}, {@code TraceContextReport}). The codecs and the id rule ({@code dev.spindle.protocol.internal})
 * are Spindle's own, readable by the SDK and its testing kit only.
 */
module dev.spindle.protocol {
  exports dev.spindle.protocol;
  exports dev.spindle.protocol.internal to dev.spindle, dev.spindle.testing;
}
