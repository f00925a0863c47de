package dev.spindle.grpc;

import dev.spindle.SpanStatus;
import io.grpc.Status;

/** gRPC status codes as span statuses: Sentry's statuses are named after them, one to one. */
final class GrpcStatuses {
  private GrpcStatuses() {}

  static SpanStatus toSpanStatus(Status.Code code) {
    switch (code) {
      case OK: return SpanStatus.OK;
      case CANCELLED: return SpanStatus.CANCELLED;
      case INVALID_ARGUMENT: return SpanStatus.INVALID_ARGUMENT;
      case DEADLINE_EXCEEDED: return SpanStatus.DEADLINE_EXCEEDED;
      case NOT_FOUND: return SpanStatus.NOT_FOUND;
      case ALREADY_EXISTS: return SpanStatus.ALREADY_EXISTS;
      case PERMISSION_DENIED: return SpanStatus.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED: return SpanStatus.RESOURCE_EXHAUSTED;
      case FAILED_PRECONDITION: return SpanStatus.FAILED_PRECONDITION;
      case ABORTED: return SpanStatus.ABORTED;
      case OUT_OF_RANGE: return SpanStatus.OUT_OF_RANGE;
      case UNIMPLEMENTED: return SpanStatus.UNIMPLEMENTED;
      case INTERNAL: return SpanStatus.INTERNAL_ERROR;
      case UNAVAILABLE: return SpanStatus.UNAVAILABLE;
      case DATA_LOSS: return SpanStatus.DATA_LOSS;
      case UNAUTHENTICATED: return SpanStatus.UNAUTHENTICATED;
      default: return SpanStatus.UNKNOWN; // UNKNOWN, and codes a later gRPC may add
    }
  }
}
