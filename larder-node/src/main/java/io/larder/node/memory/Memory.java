package io.larder.node.memory;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.memory.Footprint;
import io.larder.node.server.Client;
import io.larder.node.server.Node;

/**
 * used_memory, as Larder counts it: the node's fixed structures, the dataset the keyspace accounts
 * incrementally on every write (tables, keys and values priced by {@link Footprint}), and client buffers.
 * Client buffers are summed at most every {@link #CLIENT_REFRESH_NANOS}, so asking for used memory before every
 * command costs a counter sum, not a walk over connections.
 */
public final class Memory {
    /** Command table, configuration, statistics and the other fixed parts of a node, measured on an empty one. */
    static final long NODE_FIXED_BYTES = 256 * 1024;
    /** A connection's own objects (client state, Netty channel and pipeline, reply writer) besides its buffers. */
    static final long CLIENT_FIXED_BYTES = 4096;
    private static final long CLIENT_REFRESH_NANOS = 10_000_000;

    private final Node node;
    private final Keyspace keyspace;
    private volatile long clientBytes;
    private volatile long clientsSummedAt = System.nanoTime() - CLIENT_REFRESH_NANOS;
    private volatile long peak;

    public Memory(Node node) {
        this.node = node;
        this.keyspace = node.keyspace();
    }

    /** Bytes in use: startup + dataset + clients. Notes the peak. */
    public long used() {
        long used = startup() + dataset() + clients();
        if (used > peak) {
            peak = used;
        }
        return used;
    }

    /** What an empty node holds (used_memory_startup). */
    public long startup() {
        return NODE_FIXED_BYTES + keyspace.overheadBytes();
    }

    /** Keys, values and their tables (used_memory_dataset plus the tables' share of the overhead). */
    public long dataset() {
        return keyspace.dataBytes();
    }

    /** Buffers and state of the connected clients, refreshed at most every 10 ms. */
    public long clients() {
        long now = System.nanoTime();
        if (now - clientsSummedAt >= CLIENT_REFRESH_NANOS) {
            clientsSummedAt = now;
            long total = 0;
            for (Client c : node.clients()) {
                total += CLIENT_FIXED_BYTES + c.reply().pending()
                        + (c.handler() == null ? 0 : c.handler().queryBufferBytes());
            }
            clientBytes = total;
        }
        return clientBytes;
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
