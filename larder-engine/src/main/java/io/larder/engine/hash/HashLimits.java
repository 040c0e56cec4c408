package io.larder.engine.hash;

/** When a hash leaves its compact encoding: hash-max-listpack-entries and hash-max-listpack-value. */
public record HashLimits(long maxListpackEntries, long maxListpackValue) {
}
