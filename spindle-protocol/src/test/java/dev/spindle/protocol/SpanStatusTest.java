package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpanStatusTest {

  @Test
  void protocolNames() {
    for (SpanStatus s : SpanStatus.values()) assertEquals(s, SpanStatus.fromProtocolName(s.protocolName()));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.fromProtocolName("unknown_error"));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.fromProtocolName(null));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.fromProtocolName("OK"), "wire names are exact");
  }

  @Test
  void normalizeWhatIngestionReceives() {
    assertEquals(SpanStatus.OK, SpanStatus.normalize(null));
    assertEquals(SpanStatus.OK, SpanStatus.normalize(""));
    assertEquals(SpanStatus.DEADLINE_EXCEEDED, SpanStatus.normalize("Deadline_Exceeded"));
    assertEquals(SpanStatus.INTERNAL_ERROR, SpanStatus.normalize("ERROR"));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.normalize("whatever"));
  }

  @Test
  void httpAndGrpcCodes() {
    assertEquals(SpanStatus.OK, SpanStatus.fromHttpStatus(302));
    assertEquals(SpanStatus.NOT_FOUND, SpanStatus.fromHttpStatus(404));
    assertEquals(SpanStatus.INVALID_ARGUMENT, SpanStatus.fromHttpStatus(418));
    assertEquals(SpanStatus.INTERNAL_ERROR, SpanStatus.fromHttpStatus(599));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.fromHttpStatus(600));
    assertEquals(SpanStatus.OK, SpanStatus.fromGrpcCode(0));
    assertEquals(SpanStatus.DEADLINE_EXCEEDED, SpanStatus.fromGrpcCode(4));
    assertEquals(SpanStatus.UNAUTHENTICATED, SpanStatus.fromGrpcCode(16));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.fromGrpcCode(17));
    assertEquals(SpanStatus.UNKNOWN, SpanStatus.fromGrpcCode(-1));
  }

  @Test
  void failures() {
    assertFalse(SpanStatus.OK.isFailure());
    assertFalse(SpanStatus.CANCELLED.isFailure());
    assertFalse(SpanStatus.UNKNOWN.isFailure());
    assertTrue(SpanStatus.INTERNAL_ERROR.isFailure());
  }
}
