package dev.spindle.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.SpanStatus;
import io.grpc.Status;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class GrpcStatusesTest {
  @Test
  void everyCodeMapsToTheStatusOfItsName() {
    for (Status.Code code : Status.Code.values()) {
      String expected = code == Status.Code.INTERNAL ? "internal_error"
          : code.name().toLowerCase(Locale.ROOT);
      assertEquals(expected, GrpcStatuses.toSpanStatus(code).protocolName(), code.name());
    }
    assertEquals(SpanStatus.OK, GrpcStatuses.toSpanStatus(Status.Code.OK));
  }
}
