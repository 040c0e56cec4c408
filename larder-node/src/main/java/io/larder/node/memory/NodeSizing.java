package io.larder.node.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * How much memory a node's JVM gets for a given maxmemory, so that no user tunes JVM flags: the launcher
 * ({@code ./larder server}, {@code ./larder memcached -m}, the control plane's node start) asks this class
 * for the JVM options, and the node asks it the inverse question (how much maxmemory its heap can honour).
 * <p>
 * The heap holds the dataset (at most maxmemory, which eviction or OOM replies keep), room for the garbage
 * that overwrites and evictions leave behind until the collector reclaims it ({@link #GC_HEADROOM}), the
 * clients' buffers (query arguments being read and reply staging, capped at {@link #clientLimit}) and a fixed
 * part for the node itself. Socket buffers (Netty's, direct memory) have their own cap: the client limit
 * again, room for one reply of half the dataset (HGETALL, KEYS, LRANGE of a big key; larger replies make the
 * client evicted once they are out) and a fixed pool allowance. The resident bound stated in the README follows from these numbers and
 * was measured, not derived (see docs/benchmarks.md).
 */
public final class NodeSizing {
    private static final long MB = 1024 * 1024;
    /** Free heap kept for garbage, as a fraction of maxmemory: G1 reclaims it in mixed collections. */
    static final double GC_HEADROOM = 0.25;
    /** The node's own objects (command table, config, Lua, Netty's heap side), with margin. */
    static final long FIXED_HEAP = 64 * MB;
    /** Smallest budget for all clients' buffers together. */
    static final long MIN_CLIENT_LIMIT = 16 * MB;
    /** Direct memory beyond the client limit: Netty's pooled chunks that stay allocated per event loop. */
    static final long DIRECT_POOL = 48 * MB;
    /** A node without maxmemory gets this share of the machine's memory as heap (the JVM's own default is 25). */
    public static final int DEFAULT_HEAP_PERCENT = 50;
    /** The initial heap of a node that starts with no data to load. */
    static final long MIN_INITIAL_HEAP = 16 * MB;
    /**
     * Initial heap per byte of the RDB file a node loads at start. Loaded data takes about 3.7 times the file
     * (bench/durability.sh's mix of small keys; more for smaller values, less for compressible ones): starting
     * below that costs no memory the load would not take anyway, and spares the load the collections (each
     * copying what was just loaded) of a heap growing from 16 MB, about a fifth of a load's CPU time.
     */
    static final int INITIAL_HEAP_PER_LOADED_BYTE = 3;

    /**
     * The resident bound stated in the README, RSS <= maxmemory x RSS_FACTOR + RSS_FIXED: fitted above the peaks
     * measured under stress (229-249 MB at maxmemory 32mb in SizedNodeOomSafetyTest, 555 and 572 MB at 256mb
     * written 3x over by bench/eviction.sh): the line through the highest of each is 1.44 x maxmemory + 203 MB. The heap is 1.375 x maxmemory + 96 MB of it, the JVM
     * itself (code, metaspace, GC structures, thread stacks) about 100 MB.
     */
    public static final double RSS_FACTOR = 1.5;
    public static final long RSS_FIXED = 224 * MB;

    private NodeSizing() {
    }

    /** The most resident memory a node with this maxmemory (bytes, non-zero) is documented to take. */
    public static long residentBound(long maxmemory) {
        return (long) (maxmemory * RSS_FACTOR) + RSS_FIXED;
    }

    /**
     * The most that all clients' buffers together may hold (query arguments being read, replies not yet
     * sent) before the largest clients are closed; also the largest single argument a client may send.
     */
    public static long clientLimit(long maxmemory) {
        return MIN_CLIENT_LIMIT + maxmemory / 16;
    }

    /** The heap (-Xmx) for a node with this maxmemory (non-zero). */
    public static long heapBytes(long maxmemory) {
        return roundUpToMb((long) (maxmemory * (1 + GC_HEADROOM)) + 2 * clientLimit(maxmemory) + FIXED_HEAP);
    }

    /** Direct memory (-XX:MaxDirectMemorySize) for a node with this maxmemory (non-zero). */
    public static long directBytes(long maxmemory) {
        return roundUpToMb(maxmemory / 2 + clientLimit(maxmemory) + DIRECT_POOL);
    }

    /**
     * The largest maxmemory a heap of {@code maxHeap} bytes honours: the inverse of {@link #heapBytes}. A node
     * refuses CONFIG SET maxmemory above it, and with maxmemory 0 refuses writes (as noeviction) past it.
     */
    public static long capacity(long maxHeap) {
        // heap = m * (1 + h) + 2 * (MIN + m / 16) + FIXED, solved for m
        double perByte = 1 + GC_HEADROOM + 2.0 / 16;
        return Math.max(0, (long) ((maxHeap - FIXED_HEAP - 2 * MIN_CLIENT_LIMIT) / perByte));
    }

    /**
     * JVM options for a node: heap, direct memory and collector from maxmemory (bytes; 0 for none, then the
     * heap is {@link #DEFAULT_HEAP_PERCENT}% of the machine's or container's memory). {@code -Xms} stays small
     * so that an empty node is small; G1 grows the heap as the data grows.
     */
    public static List<String> jvmOptions(long maxmemory) {
        return jvmOptions(maxmemory, 0, 0);
    }

    /**
     * As {@link #jvmOptions(long)} for a node that loads {@code loadBytes} of RDB at start, on a machine (or
     * container) of {@code machineBytes} (0: unknown): the initial heap follows the file, see
     * {@link #INITIAL_HEAP_PER_LOADED_BYTE}, never above the heap the node may grow to.
     */
    public static List<String> jvmOptions(long maxmemory, long loadBytes, long machineBytes) {
        List<String> options = new ArrayList<>();
        // without maxmemory the JVM derives the heap from the percentage itself: stay clear of its rounding
        long maxHeap = maxmemory > 0 ? heapBytes(maxmemory) : machineBytes / 100 * (DEFAULT_HEAP_PERCENT - 5);
        long initial = Math.min(roundUpToMb(loadBytes * INITIAL_HEAP_PER_LOADED_BYTE), maxHeap / MB * MB);
        String xms = "-Xms" + Math.max(MIN_INITIAL_HEAP, initial) / MB + "m";
        if (maxmemory > 0) {
            options.add("-Xmx" + maxHeap / MB + "m");
            options.add(xms);
            options.add("-XX:MaxDirectMemorySize=" + directBytes(maxmemory) / MB + "m");
        } else {
            options.add("-XX:MaxRAMPercentage=" + DEFAULT_HEAP_PERCENT);
            options.add(xms);
        }
        options.add("-XX:+UseG1GC");
        // An idle node gives back heap it no longer needs (after a load or a FLUSHALL) within a minute.
        options.add("-XX:G1PeriodicGCInterval=60000");
        options.add("-XX:MaxMetaspaceSize=256m");
        options.add("-XX:ReservedCodeCacheSize=128m");
        options.add("-XX:+UseCompactObjectHeaders");
        return options;
    }

    private static long roundUpToMb(long bytes) {
        return (bytes + MB - 1) / MB * MB;
    }
}
