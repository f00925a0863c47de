package dev.spindle.server.ingest;

import dev.spindle.server.http.Bodies;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.Project;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.StorageFullException;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.OverloadedException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What both ingestion handlers do: read the body within limits, authenticate, write durably. */
final class Ingestion {
  private static final Logger LOG = Logger.getLogger(Ingestion.class.getName());
  /** Retry-After of a refusal for want of disk: space comes back by an operator's hand, not in seconds. */
  static final int DISK_FULL_RETRY_SECONDS = 60;

  final IngestRoutes.Settings settings;
  final MemoryBudget budget;
  final TransactionNaming naming;
  private final Quotas quotas;

  Ingestion(IngestRoutes.Settings settings) {
    this.settings = settings;
    this.budget = new MemoryBudget(settings.maxInFlightBytes());
    this.naming = new TransactionNaming(settings.metadata(), TransactionNaming.Limits.DEFAULT, System::currentTimeMillis);
    this.quotas = new Quotas(new Quotas.Limits(settings.projectPerMinute(), settings.keyPerMinute(),
        settings.projectSpansPerDay()), System::currentTimeMillis);
  }

  /** The decoded body, every byte charged to the request's lease. */
  byte[] body(Context ctx, MemoryBudget.Lease lease) throws IOException {
    long limit = settings.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) throw IngestException.tooLarge("request body is " + declared + " bytes (limit " + limit + ")");
    return Bodies.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"), limit, lease::charge);
  }

  /**
   * The project the request's key (header, query or the envelope's {@code dsn}) belongs to,
   * within its rate limits and quota ({@link Quotas}).
   */
  Project authenticate(Context ctx, String envelopeDsn) {
    return admit(SentryAuth.authenticate(settings.auth(), ctx.pathParam("project_id"), headerKey(ctx),
        ctx.queryParam("sentry_key"), envelopeDsn));
  }

  /** {@code p}, when a request of it is within its rate limits and quota ({@link Quotas}). */
  Project admit(Project p) {
    try {
      quotas.admit(p);
    } catch (IngestException e) {
      if (quotas.outcomesDue()) writeOutcomes();
      throw e;
    }
    return p;
  }

  /** Writes the refused requests' outcomes on their own; they are lost if that fails. */
  private void writeOutcomes() {
    try {
      settings.writer().write(new WriteBatch(List.of(), List.of(), quotas.drainOutcomes()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "writing rate-limit outcomes failed", e);
    }
  }

  private static String headerKey(Context ctx) {
    String k = SentryAuth.keyFromHeader(ctx.header("X-Sentry-Auth"));
    if (k == null) {
      String auth = ctx.header("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "Sentry ", 0, 7)) k = SentryAuth.keyFromHeader(auth);
    }
    return k;
  }

  /**
   * Writes mapped spans (with the outcomes of those dropped); returns when they are durable. A
   * request whose every span was dropped is refused (400) and nothing of it is stored.
   */
  void write(OtlpMapper.Mapped mapped) {
    if (mapped.spans().isEmpty() && !mapped.drops().isEmpty()) {
      throw IngestException.malformed("all " + Rejections.describe(mapped.drops()));
    }
    write(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
  }

  /** Writes the batch (with the outcomes of refused requests); returns when it is durable. */
  void write(WriteBatch batch) {
    if (batch.isEmpty()) return;
    List<ClientReportRow> refused = quotas.drainOutcomes();
    if (!refused.isEmpty()) {
      List<ClientReportRow> reports = new ArrayList<>(batch.clientReports());
      reports.addAll(refused);
      batch = new WriteBatch(batch.spans(), batch.errors(), reports);
    }
    try {
      settings.writer().write(batch);
      if (!batch.spans().isEmpty()) quotas.stored(batch.spans().get(0).projectId(), batch.spans().size());
    } catch (OverloadedException e) {
      throw IngestException.unavailable(e.getMessage(), e.retryAfterSeconds());
    } catch (StorageFullException e) {
      LOG.warning("refusing writes: " + e.getMessage());
      throw IngestException.unavailable("the server's disk is full or read-only, so nothing of this request was stored ("
          + e.getMessage() + "); retry later", DISK_FULL_RETRY_SECONDS);
    } catch (StorageException e) {
      LOG.log(Level.WARNING, "write failed", e);
      throw IngestException.unavailable("storage failed to write: " + e.getMessage(), 5);
    }
  }
}
