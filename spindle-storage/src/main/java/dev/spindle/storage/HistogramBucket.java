package dev.spindle.storage;

/**
 * One bucket of a duration histogram: durations in {@code [fromMs, toMs)} (the last bucket
 * includes {@code toMs}).
 */
public record HistogramBucket(double fromMs, double toMs, long count) {}
