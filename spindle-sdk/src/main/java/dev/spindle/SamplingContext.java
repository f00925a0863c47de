package dev.spindle;

import java.util.Collections;
import java.util.Map;

/** What a {@link TracesSampler} knows when it decides whether to sample a new transaction. */
public final class SamplingContext {
  private final TransactionContext transactionContext;
  private final Map<String, Object> customSamplingContext;

  SamplingContext(TransactionContext transactionContext, Map<String, Object> custom) {
    this.transactionContext = transactionContext;
    this.customSamplingContext = custom == null ? Collections.emptyMap() : custom;
  }

  public TransactionContext transactionContext() {
    return transactionContext;
  }

  /** The transaction's name. */
  public String name() {
    return transactionContext.name();
  }

  /** The transaction's operation. */
  public String operation() {
    return transactionContext.operation();
  }

  /** The decision of the upstream service, or null when there is none. */
  public Boolean parentSampled() {
    return transactionContext.parentSampled();
  }

  /** The sample rate the upstream service used, or null when unknown. */
  public Double parentSampleRate() {
    return transactionContext.parentSampleRate();
  }

  /** Data passed to {@code startTransaction} for the sampler only; never sent. */
  public Map<String, Object> customSamplingContext() {
    return customSamplingContext;
  }
}
