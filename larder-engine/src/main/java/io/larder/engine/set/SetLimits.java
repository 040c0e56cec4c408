package io.larder.engine.set;

/** Encoding thresholds of sets: set-max-intset-entries, set-max-listpack-entries, set-max-listpack-value. */
public record SetLimits(long maxIntsetEntries, long maxListpackEntries, long maxListpackValue) {
}
