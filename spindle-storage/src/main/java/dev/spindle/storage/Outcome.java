package dev.spindle.storage;

/** A total of discarded items by reason and category over a period. */
public record Outcome(long projectId, String reason, String category, long quantity) {}
