package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import dev.spindle.protocol.internal.Ids;
import java.util.Map;

/**
 * One stored error event, in its own table. {@code traceId}/{@code spanId} link it to the span
 * that was active when it happened, when known.
 *
 * @param projectId     the owning project
 * @param eventId       32 lowercase hex characters
 * @param traceId       the trace (32 lowercase hex), or {@code null}
 * @param spanId        the active span (16 lowercase hex), or {@code null}
 * @param timestampUs   when it happened, microseconds since the epoch
 * @param level         {@code error}, {@code fatal}, {@code warning}...; never null
 * @param message       a one-line message (the exception value or the log message), or {@code null}
 * @param exceptionType the exception's type, or {@code null}
 * @param transaction   the transaction name in effect, or {@code null}
 * @param tags          string tags, never null
 * @param release       the release, or {@code null}
 * @param environment   the environment, or {@code null}
 * @param user          a key identifying the user, or {@code null}
 * @param platform      the platform, or {@code null}
 * @param payloadJson   the whole (scrubbed) event as JSON text, or {@code null}
 */
public record ErrorRow(
    long projectId,
    String eventId,
    String traceId,
    String spanId,
    long timestampUs,
    String level,
    String message,
    String exceptionType,
    String transaction,
    Map<String, String> tags,
    String release,
    String environment,
    String user,
    String platform,
    String payloadJson) {

  public ErrorRow {
    Ids.check(requireNonNull(eventId, "eventId"), 32, "eventId");
    Ids.check(traceId, 32, "traceId");
    Ids.check(spanId, 16, "spanId");
    level = level == null ? "error" : level;
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
