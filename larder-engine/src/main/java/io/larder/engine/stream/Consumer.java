package io.larder.engine.stream;

import java.util.TreeMap;

/** A consumer of a group: its own pending entries and the times Redis 7.2 reports for it. */
public final class Consumer {
    private final byte[] name;
    /** Last attempted interaction (XREADGROUP, XCLAIM, XAUTOCLAIM). */
    public long seenTime;
    /** Last successful interaction (entries read or claimed), -1 before the first. */
    public long activeTime = -1;
    private final TreeMap<StreamId, PendingEntry> pending = new TreeMap<>();

    Consumer(byte[] name, long now) {
        this.name = name;
        this.seenTime = now;
    }

    public byte[] name() {
        return name;
    }

    public TreeMap<StreamId, PendingEntry> pending() {
        return pending;
    }
}
