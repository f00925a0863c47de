package dev.spindle.internal.transport;

import dev.spindle.transport.DiscardReason;
import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import static java.util.Objects.requireNonNull;

import dev.spindle.protocol.Dsn;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends envelopes over HTTP to a Sentry-compatible server from a few daemon threads named
 * {@code spindle-transport-<n>} ({@link Builder#maxConcurrentRequests(int)}, default
 * {@value #DEFAULT_MAX_CONCURRENT_REQUESTS}), each with at most one request in flight on a
 * kept-alive connection of the shared HTTP client.
 *
 * <p>{@link #send} only appends to a bounded in-memory queue (when full, the envelope is dropped
 * and recorded as {@code queue_overflow}); it never blocks on I/O and never throws. The protocol
 * allows one transaction per envelope and one envelope per request, so throughput comes from
 * requests in flight at once, not from batching. A sender thread, per envelope:
 *
 * <ol>
 *   <li>drops items whose category the server currently rate-limits (recorded as
 *       {@code ratelimit_backoff}); an envelope left with nothing to send is not sent;
 *   <li>attaches the accumulated client report as a {@code client_report} item;
 *   <li>POSTs it gzip-compressed to {@link Dsn#envelopeUri()}, with {@code X-Sentry-Auth};
 *   <li>2xx: delivered. 429: dropped ({@code ratelimit_backoff}), limits updated. Other 4xx
 *       (including 413): dropped, never retried ({@code send_error}). 5xx or network error:
 *       retried with jittered exponential backoff; when retries are exhausted the server is
 *       considered unreachable and the envelope goes to the disk spool (if configured) or is
 *       dropped ({@code network_error}).
 * </ol>
 *
 * <p>While the server is unreachable, new envelopes go straight to the spool, and the oldest
 * spooled envelope is retried (one attempt) after each backoff period. Once the server answers
 * again, the spool is drained oldest first, by one sender at a time; each file is deleted after a
 * 2xx, so nothing is delivered twice. A new transport on the same spool directory (an application
 * restart) drains what an earlier one left. {@code X-Sentry-Rate-Limits} is honoured on every
 * response.
 *
 * <p>Thread-safe. Build with {@link #builder(Dsn)}.
 */
public final class HttpTransport implements Transport {
  /** Default {@link Builder#queueSize(int)}: 1000 envelopes. */
  public static final int DEFAULT_QUEUE_SIZE = 1000;
  /** Default {@link Builder#spoolMaxBytes(long)}: 50 MiB. */
  public static final long DEFAULT_SPOOL_MAX_BYTES = 50L * 1024 * 1024;
  /** Default {@link Builder#shutdownTimeout(Duration)}: 2 seconds. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
  /** Default {@link Builder#maxRetries(int)}: 3 retries after the first attempt. */
  public static final int DEFAULT_MAX_RETRIES = 3;
  /** Default initial backoff of {@link Builder#backoff(Duration, Duration)}: 500 ms. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  /** Default maximum backoff of {@link Builder#backoff(Duration, Duration)}: 30 s. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** Default {@link Builder#requestTimeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link Builder#maxConcurrentRequests(int)}: 4 requests in flight at most. */
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;
  /** Default SDK name in the auth header. */
  public static final String DEFAULT_SDK_NAME = "spindle.java";
  /** Default SDK version in the auth header: the jar's Implementation-Version, else "dev". */
  public static final String DEFAULT_SDK_VERSION = defaultVersion();

  static final String THREAD_NAME = "spindle-transport";
  private static final long JOIN_MILLIS = 1000;
  private static final Logger LOG = System.getLogger(HttpTransport.class.getName());

  private enum Outcome { DELIVERED, RATE_LIMITED, REJECTED, UNREACHABLE }

  private final Dsn dsn;
  private final int queueSize;
  private final Duration shutdownTimeout;
  private final int maxRetries;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final Duration requestTimeout;
  private final String sdkName;
  private final String sdkVersion;
  private final String authHeader;
  private final String userAgent;
  private final HttpClient client;
  private final Clock clock;
  private final ClientReports reports = new ClientReports();
  private final RateLimits rateLimits;
  private final DiskSpool spool;
  private final List<Thread> senders;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when there is work: an envelope, a flush request, close. */
  private final Condition wakeUp = lock.newCondition();
  /** Signalled by close only: wakes senders waiting out a retry's backoff. */
  private final Condition stop = lock.newCondition();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean stopping;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  /** Envelopes that could not be delivered because the server was unreachable (spooled or lost). */
  private final AtomicLong undelivered = new AtomicLong();
  private volatile boolean warnedSpool;
  private volatile boolean warnedRejected;

  // Guarded by lock.
  private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
  private final List<FlushRequest> flushRequests = new ArrayList<>();
  /** Senders handling an envelope, the spool or flush requests. */
  private int busy;
  /** Whether a sender is handling a spooled envelope: one at a time, oldest first. */
  private boolean spoolBusy;
  /** Sender threads that have not exited; the last one to exit spools what is left. */
  private int running;
  private boolean offline;
  private long offlineUntilNanos;
  private int consecutiveFailures;
  private boolean warnedUnreachable;

  private HttpTransport(Builder b) {
    this.dsn = b.dsn;
    this.queueSize = b.queueSize;
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxRetries = b.maxRetries;
    this.initialBackoffNanos = b.initialBackoff.toNanos();
    this.maxBackoffNanos = b.maxBackoff.toNanos();
    this.requestTimeout = b.requestTimeout;
    this.sdkName = b.sdkName;
    this.sdkVersion = b.sdkVersion;
    this.userAgent = sdkName + "/" + sdkVersion;
    this.authHeader = dsn.authHeader(userAgent);
    this.clock = b.clock;
    this.rateLimits = new RateLimits(clock);
    this.client = b.httpClient != null ? b.httpClient
        : HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    DiskSpool s = null;
    if (b.spoolDir != null) {
      try {
        s = new DiskSpool(b.spoolDir, b.spoolMaxBytes, clock, reports);
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "cannot use spool directory {0} ({1}); envelopes will not survive"
            + " outages", b.spoolDir, e.toString());
      }
    }
    this.spool = s;
    List<Thread> threads = new ArrayList<>(b.maxConcurrentRequests);
    for (int i = 1; i <= b.maxConcurrentRequests; i++) {
      Thread t = new Thread(this::run, THREAD_NAME + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    this.senders = List.copyOf(threads);
  }

  /** A builder sending to {@code dsn}. */
  public static Builder builder(Dsn dsn) {
    return new Builder(dsn);
  }

  @Override
  public void send(Envelope envelope) {
    try {
      if (envelope == null) return;
      boolean accepted = false;
      boolean overflow = false;
      lock.lock();
      try {
        if (!stopping && !closed.get()) {
          if (queue.size() >= queueSize) {
            overflow = true;
          } else {
            queue.addLast(envelope);
            accepted = true;
            wakeUp.signal(); // one idle sender is enough; busy ones look again when done
          }
        }
      } finally {
        lock.unlock();
      }
      if (overflow) {
        recordDiscard(envelope, DiscardReason.QUEUE_OVERFLOW);
        LOG.log(Level.DEBUG, "queue full ({0}); dropped {1}", queueSize, envelope);
      } else if (!accepted) {
        LOG.log(Level.DEBUG, "transport closed; dropped {0}", envelope);
      }
    } catch (Throwable t) {
      swallow(t);
    }
  }

  @Override
  public boolean flush(Duration timeout) {
    try {
      long nanos = timeout == null || timeout.isNegative() ? 0 : timeout.toNanos();
      FlushRequest request = new FlushRequest(undelivered.get());
      lock.lock();
      try {
        if (stopping || running == 0) {
          return queue.isEmpty() && (spool == null || spool.isEmpty());
        }
        flushRequests.add(request);
        wakeUp.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        return request.done.get(nanos, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Throwable t) {
      swallow(t);
      return false;
    }
  }

  @Override
  public void recordLostEvent(String reason, String category, long quantity) {
    try {
      reports.record(reason, category, quantity);
    } catch (Throwable t) {
      swallow(t);
    }
  }

  /**
   * Flushes for up to the shutdown timeout, then stops the senders: HTTP calls still in flight
   * are abandoned, and envelopes still queued are written to the spool (if any), so a restart
   * delivers them. Waits at most one more second for the sender threads. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    try {
      boolean alive;
      lock.lock();
      try {
        alive = running > 0;
      } finally {
        lock.unlock();
      }
      if (alive) flush(shutdownTimeout);
    } finally {
      lock.lock();
      try {
        stopping = true;
        wakeUp.signalAll();
        stop.signalAll();
      } finally {
        lock.unlock();
      }
      for (CompletableFuture<?> call : inFlight) call.cancel(true);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
      try {
        for (Thread t : senders) {
          long left = deadline - System.nanoTime();
          if (t != Thread.currentThread() && left > 0) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The DSN this transport sends to. */
  public Dsn dsn() {
    return dsn;
  }

  @Override
  public String toString() {
    return "HttpTransport{" + dsn.envelopeUri() + "}";
  }

  // ---- visible for tests

  ClientReports clientReports() {
    return reports;
  }

  RateLimits rateLimits() {
    return rateLimits;
  }

  DiskSpool spool() {
    return spool;
  }

  void start() {
    lock.lock();
    try {
      running = senders.size();
    } finally {
      lock.unlock();
    }
    for (Thread t : senders) t.start();
  }

  // ---- sender threads

  /** What a sender took under the lock: an envelope, the oldest spooled one, or flush requests. */
  private record Work(Envelope envelope, boolean spooled, List<FlushRequest> flushes) {}

  private void run() {
    Gzip gzip = new Gzip();
    boolean lastWasQueued = false; // alternate queue and spool so a busy queue cannot starve it
    try {
      while (true) {
        Work work = take(lastWasQueued);
        if (work == null) return;
        lastWasQueued = work.envelope != null;
        try {
          if (work.envelope != null) {
            process(work.envelope, null, gzip);
          } else if (work.spooled) {
            drainOneSpooled(gzip);
          } else {
            completeFlushes(work.flushes, gzip);
          }
        } catch (Throwable t) {
          LOG.log(Level.WARNING, "unexpected error in the transport sender", t);
          if (work.flushes != null) work.flushes.forEach(f -> f.done.complete(false));
        } finally {
          done(work);
        }
      }
    } finally {
      gzip.close();
      exited();
    }
  }

  /** Waits for work and marks this sender busy with it; null when the transport stops. */
  private Work take(boolean lastWasQueued) {
    lock.lock();
    try {
      while (true) {
        if (stopping) return null;
        boolean spoolDue = !spoolBusy && spoolDue();
        Work work = null;
        if (spoolDue && lastWasQueued) {
          work = new Work(null, true, null);
        } else if (!queue.isEmpty()) {
          work = new Work(queue.pollFirst(), false, null);
        } else if (spoolDue) {
          work = new Work(null, true, null);
        } else if (!flushRequests.isEmpty() && busy == 0) {
          // everything handed over before these requests has been handled
          work = new Work(null, false, new ArrayList<>(flushRequests));
          flushRequests.clear();
        }
        if (work != null) {
          busy++;
          if (work.spooled) spoolBusy = true;
          return work;
        }
        long wait = spool != null && !spool.isEmpty() && offline && !spoolBusy
            ? offlineUntilNanos - System.nanoTime() : Long.MAX_VALUE;
        try {
          if (wait == Long.MAX_VALUE) wakeUp.await();
          else if (wait > 0) wakeUp.awaitNanos(wait);
        } catch (InterruptedException e) {
          // only close() wants us to stop, and it says so with `stopping`
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void done(Work work) {
    lock.lock();
    try {
      busy--; // this sender looks for more work (or answers pending flushes) next
      if (work.spooled) spoolBusy = false;
    } finally {
      lock.unlock();
    }
  }

  /** Called under the lock. */
  private boolean spoolDue() {
    return spool != null && !spool.isEmpty()
        && (!offline || System.nanoTime() - offlineUntilNanos >= 0);
  }

  private boolean inOfflineBackoff() {
    lock.lock();
    try {
      return offline && System.nanoTime() - offlineUntilNanos < 0;
    } finally {
      lock.unlock();
    }
  }

  /** The last sender to exit writes what is left to the spool, so a restart can deliver it. */
  private void exited() {
    List<Envelope> left;
    List<FlushRequest> flushes;
    lock.lock();
    try {
      if (--running > 0) return;
      left = new ArrayList<>(queue);
      queue.clear();
      flushes = new ArrayList<>(flushRequests);
      flushRequests.clear();
    } finally {
      lock.unlock();
    }
    try {
      if (spool != null) {
        for (Envelope e : left) spoolOrDrop(e);
        ClientReports.Snapshot pending = reports.take();
        if (pending != null) {
          Envelope e = clientReportEnvelope(pending);
          try {
            spool.store(e, e.serialize(clock.instant()));
          } catch (IOException | RuntimeException ex) {
            reports.restore(pending);
          }
        }
      } else if (!left.isEmpty()) {
        LOG.log(Level.DEBUG, "transport closed with {0} envelopes unsent", left.size());
      }
    } catch (Throwable t) {
      LOG.log(Level.WARNING, "error while closing the transport", t);
    }
    flushes.forEach(f -> f.done.complete(false));
  }

  private void process(Envelope envelope, Path spooledFile, Gzip gzip) {
    Envelope limited = applyRateLimits(envelope);
    // Lazy payloads (the SDK's transactions) are serialized here, on a sender thread, and only
    // when they are going to be sent.
    Envelope filtered = limited == null ? null : limited.produce();
    if (filtered == null) {
      if (spooledFile != null) spool.delete(spooledFile);
      return;
    }
    if (spooledFile == null && spool != null && inOfflineBackoff()) {
      spoolOrDrop(filtered);
      return;
    }
    Envelope e = filtered;
    ClientReports.Snapshot attached = null;
    if (!hasClientReport(e)) {
      attached = reports.take();
      if (attached != null) {
        e = e.withItem("client_report", "application/json", attached.toPayload(clock.instant()));
      }
    }
    int retries = spooledFile != null || inOfflineBackoff() ? 0 : maxRetries;
    Outcome outcome = deliver(e, retries, gzip);
    switch (outcome) {
      case DELIVERED:
        if (spooledFile != null) spool.delete(spooledFile);
        break;
      case RATE_LIMITED:
        recordDiscard(e, DiscardReason.RATELIMIT_BACKOFF);
        if (spooledFile != null) spool.delete(spooledFile);
        break;
      case REJECTED:
        recordDiscard(e, DiscardReason.SEND_ERROR);
        if (spooledFile != null) spool.delete(spooledFile);
        break;
      case UNREACHABLE:
      default:
        undelivered.incrementAndGet();
        if (spooledFile != null) {
          reports.restore(attached); // the file on disk does not carry it
          if (filtered != envelope) {
            // rate-limited items were recorded as discarded: they must not stay in the file
            spool.replace(spooledFile, filtered.serialize(clock.instant()));
          }
        } else if (spool != null) {
          spoolOrDrop(e);
        } else {
          recordDiscard(e, DiscardReason.NETWORK_ERROR);
        }
        break;
    }
  }

  private void drainOneSpooled(Gzip gzip) {
    Path file = spool.oldest();
    if (file == null) return;
    spool.sending(file);
    try {
      Envelope e = spool.read(file);
      if (e == null) return; // corrupt or gone; already removed
      LOG.log(Level.DEBUG, "sending spooled envelope {0}", file.getFileName());
      process(e, file, gzip);
    } finally {
      spool.sending(null);
    }
  }

  private void completeFlushes(List<FlushRequest> flushes, Gzip gzip) {
    if (!reports.isEmpty() && !rateLimits.isAllLimited() && !inOfflineBackoff()) {
      ClientReports.Snapshot pending = reports.take();
      if (pending != null && deliver(clientReportEnvelope(pending), maxRetries, gzip)
          != Outcome.DELIVERED) {
        reports.restore(pending);
      }
    }
    boolean spoolEmpty = spool == null || spool.isEmpty();
    for (FlushRequest f : flushes) {
      f.done.complete(spoolEmpty && undelivered.get() == f.undeliveredBefore);
    }
  }

  private Envelope clientReportEnvelope(ClientReports.Snapshot snapshot) {
    return Envelope.builder()
        .sdk(sdkName, sdkVersion)
        .addItem("client_report", "application/json", snapshot.toPayload(clock.instant()))
        .build();
  }

  private void spoolOrDrop(Envelope envelope) {
    Envelope e = envelope.produce();
    if (e == null) return; // every item dropped by its producer: nothing to keep
    try {
      spool.store(e, e.serialize(clock.instant()));
      LOG.log(Level.DEBUG, "spooled {0}", e);
    } catch (IOException | RuntimeException ex) {
      if (!warnedSpool) {
        warnedSpool = true;
        LOG.log(Level.WARNING, "cannot write to spool {0} ({1}); undeliverable envelopes are"
            + " dropped", spool.dir(), ex.toString());
      }
      recordDiscard(e, DiscardReason.NETWORK_ERROR);
    }
  }

  /** Removes rate-limited items; null when nothing is left worth sending. */
  private Envelope applyRateLimits(Envelope e) {
    if (rateLimits.isAllLimited()) {
      recordDiscard(e, DiscardReason.RATELIMIT_BACKOFF);
      return null;
    }
    List<Envelope.Item> kept = new ArrayList<>(e.items().size());
    boolean hadCounted = false;
    boolean keptCounted = false;
    for (Envelope.Item item : e.items()) {
      String category = item.dataCategory();
      if (category == null) {
        kept.add(item);
        continue;
      }
      hadCounted = true;
      if (rateLimits.isLimited(category)) {
        reports.record(DiscardReason.RATELIMIT_BACKOFF, category, 1);
      } else {
        kept.add(item);
        keptCounted = true;
      }
    }
    if (kept.isEmpty()) return null;
    if (hadCounted && !keptCounted) {
      // only internal items are left: keep their counts for a later report, send nothing
      for (Envelope.Item item : kept) restoreIfReport(item);
      return null;
    }
    return kept.size() == e.items().size() ? e : e.withItems(kept);
  }

  private static boolean hasClientReport(Envelope e) {
    for (Envelope.Item item : e.items()) {
      if (item.type().equals("client_report")) return true;
    }
    return false;
  }

  /** Records every counted item as lost for {@code reason}; client reports in it are kept. */
  private void recordDiscard(Envelope e, String reason) {
    for (Envelope.Item item : e.items()) {
      String category = item.dataCategory();
      if (category != null) reports.record(reason, category, 1);
      else restoreIfReport(item);
    }
  }

  private void restoreIfReport(Envelope.Item item) {
    if (item.type().equals("client_report")) reports.restore(item.payload());
  }

  private Outcome deliver(Envelope e, int retries, Gzip gzip) {
    byte[] body;
    try {
      body = gzip.compress(e.serialize(clock.instant()));
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "cannot serialize " + e, ex);
      return Outcome.REJECTED;
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(dsn.envelopeUri())
          .timeout(requestTimeout)
          .header("Content-Type", "application/x-sentry-envelope")
          .header("Content-Encoding", "gzip")
          .header("X-Sentry-Auth", authHeader)
          .header("User-Agent", userAgent)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "cannot build the request to " + dsn.envelopeUri(), ex);
      return Outcome.REJECTED;
    }
    String lastProblem = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && (inOfflineBackoff() || !backoff(attempt))) {
        break; // another sender found the server unreachable meanwhile, or we are stopping
      }
      if (stopping) break;
      HttpResponse<Void> response;
      CompletableFuture<HttpResponse<Void>> call = null;
      try {
        call = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        inFlight.add(call);
        if (stopping) call.cancel(true);
        response = call.get();
      } catch (ExecutionException ex) {
        Throwable cause = ex.getCause() == null ? ex : ex.getCause();
        lastProblem = cause.toString();
        LOG.log(Level.DEBUG, "sending {0} failed: {1}", e, lastProblem);
        continue;
      } catch (CancellationException | InterruptedException ex) {
        lastProblem = "cancelled by close()";
        break;
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "cannot send to " + dsn.envelopeUri(), ex);
        return Outcome.REJECTED;
      } finally {
        if (call != null) inFlight.remove(call);
      }
      int status = response.statusCode();
      rateLimits.update(status,
          response.headers().firstValue("X-Sentry-Rate-Limits").orElse(null),
          response.headers().firstValue("Retry-After").orElse(null));
      if (status >= 200 && status < 300) {
        markOnline();
        LOG.log(Level.DEBUG, "delivered {0}", e);
        return Outcome.DELIVERED;
      }
      if (status == 429) {
        markOnline();
        LOG.log(Level.DEBUG, "rate limited (429); dropped {0}", e);
        return Outcome.RATE_LIMITED;
      }
      if (status >= 500) {
        lastProblem = "HTTP " + status;
        LOG.log(Level.DEBUG, "sending {0} failed: {1}", e, lastProblem);
        continue;
      }
      markOnline();
      Level level = Level.DEBUG;
      if (status != 413 && !warnedRejected) {
        warnedRejected = true; // e.g. a wrong DSN: say it once, not for every envelope
        level = Level.WARNING;
      }
      LOG.log(level, "server rejected {0} with HTTP {1}; dropped", e, status);
      return Outcome.REJECTED;
    }
    markOffline(lastProblem);
    return Outcome.UNREACHABLE;
  }

  private void markOnline() {
    boolean wasOffline;
    lock.lock();
    try {
      wasOffline = offline;
      offline = false;
      consecutiveFailures = 0;
      warnedUnreachable = false;
    } finally {
      lock.unlock();
    }
    if (wasOffline) LOG.log(Level.DEBUG, "{0} is reachable again", dsn.envelopeUri());
  }

  private void markOffline(String problem) {
    lock.lock();
    try {
      if (stopping) return;
      long now = System.nanoTime();
      // senders failing together count as one failure: the backoff doubles per probe, not per sender
      if (offline && now - offlineUntilNanos < 0) return;
      consecutiveFailures = Math.min(consecutiveFailures + 1, 62);
      offline = true;
      offlineUntilNanos = now + backoffNanos(consecutiveFailures);
      if (warnedUnreachable) return;
      warnedUnreachable = true;
    } finally {
      lock.unlock();
    }
    LOG.log(Level.WARNING, "cannot reach {0} ({1}); {2}", dsn.envelopeUri(), problem,
        spool != null ? "spooling envelopes to " + spool.dir() : "dropping envelopes");
  }

  /** Waits the jittered backoff for {@code attempt}; false when the transport is stopping. */
  private boolean backoff(int attempt) {
    long deadline = System.nanoTime() + backoffNanos(attempt);
    lock.lock();
    try {
      while (!stopping) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return true;
        try {
          stop.awaitNanos(left);
        } catch (InterruptedException e) {
          return false;
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** {@code initial * 2^(n-1)}, capped at the maximum, jittered to between 50% and 100%. */
  private long backoffNanos(int n) {
    long base = initialBackoffNanos;
    for (int i = 1; i < n && base < maxBackoffNanos; i++) base *= 2;
    base = Math.min(base, maxBackoffNanos);
    long half = base / 2;
    return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
  }

  private static void swallow(Throwable t) {
    try {
      LOG.log(Level.DEBUG, "transport error (ignored)", t);
    } catch (Throwable ignored) {
      // never let the transport throw into the application
    }
  }

  private static String defaultVersion() {
    String v = HttpTransport.class.getPackage() == null ? null
        : HttpTransport.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static final class FlushRequest {
    final long undeliveredBefore;
    final CompletableFuture<Boolean> done = new CompletableFuture<>();

    FlushRequest(long undeliveredBefore) {
      this.undeliveredBefore = undeliveredBefore;
    }
  }

  /** Configures an {@link HttpTransport}. Every setting has a documented default. */
  public static final class Builder {
    private final Dsn dsn;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private Path spoolDir;
    private long spoolMaxBytes = DEFAULT_SPOOL_MAX_BYTES;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private String sdkName = DEFAULT_SDK_NAME;
    private String sdkVersion = DEFAULT_SDK_VERSION;
    private HttpClient httpClient;
    private Clock clock = Clock.systemUTC();

    private Builder(Dsn dsn) {
      this.dsn = requireNonNull(dsn, "dsn");
    }

    /** Maximum envelopes waiting in memory. Default 1000. */
    public Builder queueSize(int queueSize) {
      if (queueSize <= 0) {
        throw new IllegalArgumentException("queueSize: " + queueSize + " (expected: > 0)");
      }
      this.queueSize = queueSize;
      return this;
    }

    /**
     * Requests in flight at once, each from its own sender thread on its own kept-alive
     * connection; more keep up with a server far away (one envelope per request, each a round
     * trip). 1 sends one envelope after another, in the order they were handed over. Default 4.
     */
    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      if (maxConcurrentRequests <= 0) {
        throw new IllegalArgumentException("maxConcurrentRequests: " + maxConcurrentRequests
            + " (expected: > 0)");
      }
      this.maxConcurrentRequests = maxConcurrentRequests;
      return this;
    }

    /**
     * Directory where undeliverable envelopes are kept across outages and restarts; null (the
     * default) disables the spool. Use one directory per DSN and application.
     */
    public Builder spoolDir(Path spoolDir) {
      this.spoolDir = spoolDir;
      return this;
    }

    /**
     * Maximum total size of the spool. Default 50 MiB. When full, the oldest spooled envelopes
     * are evicted (recorded as {@code queue_overflow}).
     */
    public Builder spoolMaxBytes(long spoolMaxBytes) {
      if (spoolMaxBytes <= 0) {
        throw new IllegalArgumentException("spoolMaxBytes: " + spoolMaxBytes + " (expected: > 0)");
      }
      this.spoolMaxBytes = spoolMaxBytes;
      return this;
    }

    /** How long {@link HttpTransport#close()} flushes before giving up. Default 2 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout: " + shutdownTimeout
            + " (expected: >= 0)");
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** Retries after the first attempt on network errors and 5xx. Default 3. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 0)");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Exponential backoff between retries and between probes of an unreachable server:
     * {@code initial * 2^(n-1)} capped at {@code max}, each jittered to 50–100%. Default 500 ms
     * and 30 s.
     */
    public Builder backoff(Duration initial, Duration max) {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial
            + ")");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Timeout of one HTTP request (and the connect timeout of the default client). Default
     * 10 s.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout: " + requestTimeout
            + " (expected: > 0)");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * The SDK name and version sent as {@code sentry_client=<name>/<version>} and as the user
     * agent. Default {@code spindle.java} and the jar's version.
     */
    public Builder sdk(String name, String version) {
      this.sdkName = requireNonNull(name, "name");
      this.sdkVersion = requireNonNull(version, "version");
      return this;
    }

    /**
     * The HTTP client to use. Default: one client built for this transport (HTTP/1.1, pooled
     * keep-alive connections, no redirects, connect timeout = request timeout).
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Wall clock for rate-limit expiry and timestamps. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the transport and starts its sender threads. */
    public HttpTransport build() {
      HttpTransport t = new HttpTransport(this);
      t.start();
      return t;
    }
  }
}
