package io.larder.engine.stream;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A consumer group: the last delivered ID, the logical read counter of Redis 7 (-1 when unknown), the pending
 * entries list, and the consumers in name order (Redis keeps both in radix trees, hence byte order).
 */
public final class ConsumerGroup {
    public static final long INVALID_ENTRIES_READ = -1;

    private final byte[] name;
    public StreamId lastId;
    public long entriesRead;
    private final TreeMap<StreamId, PendingEntry> pending = new TreeMap<>();
    private final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    ConsumerGroup(byte[] name, StreamId lastId, long entriesRead) {
        this.name = name;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    public byte[] name() {
        return name;
    }

    public TreeMap<StreamId, PendingEntry> pending() {
        return pending;
    }

    public TreeMap<byte[], Consumer> consumers() {
        return consumers;
    }

    public Consumer consumer(byte[] consumerName) {
        return consumers.get(consumerName);
    }

    /** Creates a consumer; null when one of that name exists. */
    public Consumer createConsumer(byte[] consumerName, long now) {
        if (consumers.containsKey(consumerName)) {
            return null;
        }
        Consumer c = new Consumer(consumerName, now);
        consumers.put(consumerName, c);
        return c;
    }

    /** Deletes a consumer and its pending entries from the group; returns how many it had. */
    public int deleteConsumer(Consumer c) {
        int n = c.pending().size();
        for (StreamId id : c.pending().keySet()) {
            pending.remove(id);
        }
        consumers.remove(c.name());
        return n;
    }

    /** Removes an entry from the group's and its owner's pending lists; false when it was not pending. */
    public boolean acknowledge(StreamId id) {
        PendingEntry p = pending.remove(id);
        if (p == null) {
            return false;
        }
        if (p.consumer != null) {
            p.consumer.pending().remove(id);
        }
        return true;
    }

    /** A deep copy for COPY: consumers and pending entries are duplicated, linked to each other as before. */
    ConsumerGroup copy() {
        ConsumerGroup g = new ConsumerGroup(name, lastId, entriesRead);
        for (Consumer c : consumers.values()) {
            Consumer d = new Consumer(c.name(), c.seenTime);
            d.activeTime = c.activeTime;
            g.consumers.put(d.name(), d);
        }
        pending.forEach((id, p) -> {
            Consumer owner = p.consumer == null ? null : g.consumers.get(p.consumer.name());
            PendingEntry q = new PendingEntry(owner, p.deliveryTime, p.deliveryCount);
            g.pending.put(id, q);
            if (owner != null) {
                owner.pending().put(id, q);
            }
        });
        return g;
    }
}
