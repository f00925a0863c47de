package dev.spindle.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.protocol.SpanStatus;
import io.grpc.Status;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The interceptors map gRPC codes by number ({@link SpanStatus#fromGrpcCode}): gRPC's numbering agrees. */
class GrpcStatusCodesTest {
  @Test
  void everyCodeMapsToTheStatusOfItsName() {
    for (Status.Code code : Status.Code.values()) {
      String expected = code == Status.Code.INTERNAL ? "internal_error"
          : code.name().toLowerCase(Locale.ROOT);
      assertEquals(expected, SpanStatus.fromGrpcCode(code.value()).protocolName(), code.name());
    }
  }
}
