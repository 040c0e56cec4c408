package io.larder.node.memory;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.server.Client;
import io.larder.node.server.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * used_memory, as Larder counts it: the node's fixed structures, the dataset the keyspace accounts
 * incrementally on every write (tables, keys and values priced by {@link io.larder.engine.memory.Footprint}),
 * and client buffers. Client buffers are summed at most every {@link #CLIENT_REFRESH_NANOS} (or at once after a
 * large reply), so asking for used memory before every command costs a counter sum, not a walk over connections.
 * <p>
 * It also keeps the node inside the heap the launcher gave it ({@link NodeSizing}): {@link #capacity()} is the
 * most data the heap can hold, and all clients together may hold at most {@link #clientLimit()} in buffers:
 * beyond it the largest clients are closed (Redis's client eviction, counted as evicted_clients), and a client
 * cannot start reading an argument that does not fit ({@link #reserveArguments}).
 */
public final class Memory {
    /** Command table, configuration, statistics and the other fixed parts of a node, measured on an empty one. */
    static final long NODE_FIXED_BYTES = 256 * 1024;
    /** A connection's own objects (client state, Netty channel and pipeline, reply writer) besides its buffers. */
    static final long CLIENT_FIXED_BYTES = 4096;
    private static final long CLIENT_REFRESH_NANOS = 10_000_000;

    private final Node node;
    private final Keyspace keyspace;
    private final long capacity;
    private final long clientLimit;
    /** Bytes of arguments that clients' parsers are reading into (big arguments, long requests). */
    private final AtomicLong reservedArguments = new AtomicLong();
    private volatile long clientBytes;
    /** The replication buffer and the part of it eviction leaves out, refreshed with the clients' sum. */
    private volatile long replicationBytes;
    private volatile long replicationNotCounted;
    private volatile long clientsSummedAt = System.nanoTime() - CLIENT_REFRESH_NANOS;
    private volatile long peak;

    public Memory(Node node) {
        this(node, Runtime.getRuntime().maxMemory());
    }

    /** @param maxHeap the heap this node may use (the JVM's -Xmx) */
    public Memory(Node node, long maxHeap) {
        this.node = node;
        this.keyspace = node.keyspace();
        this.capacity = NodeSizing.capacity(maxHeap);
        this.clientLimit = NodeSizing.clientLimit(capacity);
    }

    /** Bytes in use: startup + dataset + clients + the replication buffer. Notes the peak. */
    public long used() {
        long clients = clients();
        long used = startup() + dataset() + clients + replicationBytes;
        if (used > peak) {
            peak = used;
        }
        return used;
    }

    /** What maxmemory is compared with: used memory without what replicas hold beyond the backlog (as Redis). */
    public long usedForEviction() {
        return used() - replicationNotCounted;
    }

    /** The replication buffer shared by the backlog and the replicas (mem_total_replication_buffers). */
    public long replication() {
        clients();
        return replicationBytes;
    }

    /** What an empty node holds (used_memory_startup). */
    public long startup() {
        return NODE_FIXED_BYTES + keyspace.overheadBytes();
    }

    /** Keys, values and their tables (used_memory_dataset plus the tables' share of the overhead). */
    public long dataset() {
        return keyspace.dataBytes();
    }

    /** The largest maxmemory this node's heap can honour; with maxmemory 0, the limit writes stop at. */
    public long capacity() {
        return capacity;
    }

    /** The most all clients' buffers may hold together; also the largest argument one request may carry. */
    public long clientLimit() {
        return clientLimit;
    }

    /**
     * Asks for room for {@code bytes} of request arguments about to be read; false when the clients' budget
     * has no room (the connection is then closed, as for client-query-buffer-limit).
     */
    public boolean reserveArguments(long bytes) {
        if (reservedArguments.addAndGet(bytes) > clientLimit) {
            reservedArguments.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Returns room taken by {@link #reserveArguments} once the request is parsed (or the connection closed). */
    public void releaseArguments(long bytes) {
        reservedArguments.addAndGet(-bytes);
    }

    /**
     * Buffers and state of the connected clients: their buffers summed at most every 10 ms, and the room
     * reserved for arguments being read, as it is now (a request's reservation ends when it is parsed, before
     * it runs, so a write never finds its own argument counted twice).
     */
    public long clients() {
        long now = System.nanoTime();
        if (now - clientsSummedAt >= CLIENT_REFRESH_NANOS) {
            clientsSummedAt = now;
            clientBytes = sumClients();
            sumReplication();
        }
        return clientBytes + reservedArguments.get();
    }

    /** A client was handed a large reply: sums the clients now, so that client eviction does not wait. */
    public void largeOutput() {
        clientsSummedAt = System.nanoTime();
        clientBytes = sumClients();
    }

    private void sumReplication() {
        io.larder.node.replication.Replication replication = node.replication();
        if (replication != null) {
            long bytes = replication.bufferMemory();
            replicationNotCounted = replication.notCountedForEviction(bytes);
            replicationBytes = bytes;
        }
    }

    /** The clients' buffers (without reserved arguments), after client eviction if they hold too much. */
    private long sumClients() {
        long total = 0;
        for (Client c : node.clients()) {
            total += bytesOf(c);
        }
        if (total + reservedArguments.get() > clientLimit) {
            total = evictClients(total + reservedArguments.get()) - reservedArguments.get();
        }
        return Math.max(0, total);
    }

    private static long bytesOf(Client c) {
        return CLIENT_FIXED_BYTES + (c.handler() == null ? c.reply().pending() : c.handler().memoryBytes());
    }

    /** What closing this client would free: its buffers and the room reserved for its arguments. */
    private static long freedByClosing(Client c) {
        return bytesOf(c) + (c.handler() == null ? 0 : c.handler().reservedBytes());
    }

    /**
     * Closes the clients that hold the most until the rest fit in the clients' budget (Redis's client eviction;
     * CLIENT NO-EVICT exempts a client, and as in Redis the master client and replicas are never evicted: their
     * buffers have limits of their own). Returns what the remaining clients hold.
     */
    private synchronized long evictClients(long total) {
        List<Client> candidates = new ArrayList<>();
        for (Client c : node.clients()) {
            if (c.killed()) {
                total -= freedByClosing(c); // closing already: what it holds is on its way out
            } else if (!c.noEvict() && !c.master() && !node.replication().isReplica(c)) {
                candidates.add(c);
            }
        }
        candidates.sort(Comparator.comparingLong(Memory::freedByClosing).reversed());
        for (Client c : candidates) {
            if (total <= clientLimit) {
                break;
            }
            total -= freedByClosing(c);
            c.kill();
            node.stats().evictedClients.increment();
        }
        return total;
    }

    public long peak() {
        used();
        return peak;
    }

    /** Resident size of the process from /proc, or the committed heap where there is no /proc. */
    public static long residentBytes() {
        try {
            String[] statm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim()
                    .split("\\s+");
            return Long.parseLong(statm[1]) * PAGE_SIZE;
        } catch (java.io.IOException | RuntimeException e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static final long PAGE_SIZE = 4096;
}
