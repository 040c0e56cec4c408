package io.larder.engine.zset;

/** Encoding thresholds of sorted sets: zset-max-listpack-entries and zset-max-listpack-value. */
public record ZSetLimits(long maxListpackEntries, long maxListpackValue) {
    /** Whether a set of {@code size} members, the longest {@code longestMember} bytes, stays a listpack. */
    public boolean fitsListpack(long size, long longestMember) {
        return size <= maxListpackEntries && longestMember <= maxListpackValue;
    }
}
