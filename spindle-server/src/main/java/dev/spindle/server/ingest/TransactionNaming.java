package dev.spindle.server.ingest;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.TransactionNameRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Transaction-name clustering, per project. A URL-like name (a source {@link
 * TransactionNames#eligible eligible} for sanitizing and a {@code /} in it) is first sanitized
 * ({@link TransactionNames#sanitize}: ids, UUIDs, hashes, dates at once), then rewritten by the
 * project's rules ({@link NameRule}); a name not seen before is fed to the project's
 * {@link NameLearner}, and a rule it learns is stored in the metadata store and applied at once.
 * Each project keeps at most {@code maxNames} distinct URL-like names: beyond them, a new name
 * becomes {@link #BUCKET}. Other names (routes, views, tasks, custom) are never touched.
 *
 * <p>Rules come from the metadata store, read again every {@code refreshMs}, so every ingest node
 * applies the rules any node learned; a node learns from the names it sees itself (with several
 * ingest nodes behind a balancer, each needs {@code threshold} distinct values of a segment to
 * learn its rule). A rule deleted from the store is dropped at the next read, and the project's
 * learner starts again. The distinct names are counted per node since it started.
 *
 * <p>Cost: a name seen before is a hash lookup (no lock) plus one pass of each rule over the
 * name; only new names take the project's lock. Memory per project: at most {@code maxNames}
 * names and {@code maxNodes} learner nodes.
 */
final class TransactionNaming {
  private static final Logger LOG = Logger.getLogger(TransactionNaming.class.getName());

  /** The name a URL-like name becomes beyond its project's cap, as Sentry names it. */
  static final String BUCKET = "<< unparameterized >>";

  /**
   * The limits.
   *
   * @param threshold distinct children a path segment may have before they become {@code *} (Sentry: 200)
   * @param maxNames  distinct URL-like names per project (beyond: {@link #BUCKET})
   * @param maxNodes  the learner's tree nodes per project
   * @param refreshMs how often the rules are read again from the store
   */
  record Limits(int threshold, int maxNames, int maxNodes, long refreshMs) {
    static final Limits DEFAULT = new Limits(100, 2_000, 20_000, 30_000);
  }

  private final MetadataStore metadata;
  private final Limits limits;
  private final LongSupplier clockMs;
  private final ConcurrentHashMap<Long, ProjectNames> projects = new ConcurrentHashMap<>();

  TransactionNaming(MetadataStore metadata, Limits limits, LongSupplier clockMs) {
    this.metadata = metadata;
    this.limits = limits;
    this.clockMs = clockMs;
  }

  /** The naming of one project's transactions. */
  TransactionNames.Naming forProject(long projectId) {
    return projects.computeIfAbsent(projectId, ProjectNames::new);
  }

  private final class ProjectNames implements TransactionNames.Naming {
    private final long projectId;
    private final NameLearner learner = new NameLearner(limits.threshold(), limits.maxNodes());
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean loading = new AtomicBoolean();
    private volatile List<NameRule> rules = List.of();
    private volatile long loadedMs;
    private volatile boolean loaded;

    ProjectNames(long projectId) {
      this.projectId = projectId;
    }

    @Override
    public TransactionNames.Named name(String name, String source) {
      TransactionNames.Named sanitized = TransactionNames.sanitize(name, source);
      if (name == null || name.indexOf('/') < 0 || !TransactionNames.eligible(source)) return sanitized;
      refreshIfDue();
      String n = applyRules(sanitized.name());
      if (known.contains(n)) return named(n, sanitized);
      synchronized (this) {
        for (String pattern : learner.observe(n)) learned(pattern);
        n = applyRules(n);
        if (known.contains(n)) return named(n, sanitized);
        if (known.size() >= limits.maxNames()) return new TransactionNames.Named(BUCKET, "sanitized");
        known.add(n);
        return named(n, sanitized);
      }
    }

    private static TransactionNames.Named named(String n, TransactionNames.Named sanitized) {
      return n.equals(sanitized.name()) ? sanitized : new TransactionNames.Named(n, "sanitized");
    }

    private String applyRules(String name) {
      String n = name;
      for (NameRule r : rules) n = r.apply(n);
      return n;
    }

    /** Stores and applies a rule the learner found (kept here even when storing it failed). */
    private void learned(String pattern) {
      NameRule rule;
      try {
        rule = NameRule.parse(pattern);
      } catch (IllegalArgumentException e) {
        return; // a literal holding '*' (sanitized inside a segment): no rule for it
      }
      try {
        metadata.addTransactionNameRule(projectId, new TransactionNameRule(pattern, clockMs.getAsLong() * 1000));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "storing transaction-name rule " + pattern + " of project " + projectId + " failed", e);
      }
      List<NameRule> next = new ArrayList<>(rules);
      next.add(rule);
      setRules(next);
    }

    /** Reads the rules on first use (others wait), then every {@code refreshMs} (one thread, others go on). */
    private void refreshIfDue() {
      if (!loaded) {
        synchronized (this) {
          if (!loaded) load();
        }
        return;
      }
      if (clockMs.getAsLong() - loadedMs < limits.refreshMs() || !loading.compareAndSet(false, true)) return;
      try {
        synchronized (this) {
          load();
        }
      } finally {
        loading.set(false);
      }
    }

    /** Under this object's lock. A failed read keeps the rules as they were until the next. */
    private void load() {
      try {
        List<NameRule> stored = new ArrayList<>();
        Set<String> patterns = new HashSet<>();
        for (TransactionNameRule r : metadata.transactionNameRules(projectId)) {
          try {
            stored.add(NameRule.parse(r.pattern()));
            patterns.add(r.pattern());
          } catch (IllegalArgumentException e) {
            LOG.warning("project " + projectId + ": skipping transaction-name rule '" + r.pattern() + "': " + e.getMessage());
          }
        }
        for (NameRule r : rules) {
          if (!patterns.contains(r.pattern())) {
            learner.reset(); // a rule was deleted: learn again from what comes
            break;
          }
        }
        setRules(stored);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "reading the transaction-name rules of project " + projectId + " failed", e);
      } finally {
        loadedMs = clockMs.getAsLong();
        loaded = true;
      }
    }

    /** Sets the rules (under this object's lock) and forgets the known names they now rewrite. */
    private void setRules(List<NameRule> next) {
      rules = List.copyOf(next);
      known.removeIf(k -> !applyRules(k).equals(k));
    }
  }
}
