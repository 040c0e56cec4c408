package io.larder.node.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Server-wide counters reported by INFO stats and errorstats; reset by CONFIG RESETSTAT. */
public final class ServerStats {
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder keyspaceHits = new LongAdder();
    public final LongAdder keyspaceMisses = new LongAdder();
    public final LongAdder expiredKeys = new LongAdder();
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final LongAdder totalErrorReplies = new LongAdder();
    public final LongAdder evictedKeys = new LongAdder();
    /** Clients closed because all clients' buffers together went over the node's client budget. */
    public final LongAdder evictedClients = new LongAdder();
    // ACL denials, as INFO stats acl_access_denied_*.
    public final LongAdder aclDeniedAuth = new LongAdder();
    public final LongAdder aclDeniedCommand = new LongAdder();
    public final LongAdder aclDeniedKey = new LongAdder();
    public final LongAdder aclDeniedChannel = new LongAdder();
    private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();

    /** Redis's instantaneous metrics: per-second rates over the last 16 samples taken every 100 ms by the cron. */
    private static final int SAMPLES = 16;
    private static final long SAMPLE_PERIOD_MILLIS = 100;
    private final long[][] samples = new long[3][SAMPLES];
    private final long[] lastReading = new long[3];
    private long lastSampleMillis;
    private int sampleIndex;
    private volatile long peakMemory;

    /** Counts an error reply under its code (the first word, e.g. ERR, WRONGTYPE), as INFO errorstats does. */
    public void recordError(String message) {
        totalErrorReplies.increment();
        int space = message.indexOf(' ');
        String code = space < 0 ? message : message.substring(0, space);
        errorsByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    public Map<String, LongAdder> errorsByCode() {
        return errorsByCode;
    }

    /** Called from the cron; takes a sample when 100 ms have passed since the previous one. */
    public synchronized void sampleInstantaneous(long nowMillis) {
        long elapsed = nowMillis - lastSampleMillis;
        if (lastSampleMillis != 0 && elapsed < SAMPLE_PERIOD_MILLIS) {
            return;
        }
        long[] readings = {commandsProcessed.sum(), netInputBytes.sum(), netOutputBytes.sum()};
        for (int m = 0; m < readings.length; m++) {
            long delta = readings[m] - lastReading[m];
            samples[m][sampleIndex] = lastSampleMillis == 0 || elapsed <= 0 ? 0 : delta * 1000 / elapsed;
            lastReading[m] = readings[m];
        }
        sampleIndex = (sampleIndex + 1) % SAMPLES;
        lastSampleMillis = nowMillis;
    }

    private synchronized long instantaneous(int metric) {
        long sum = 0;
        for (long v : samples[metric]) {
            sum += v;
        }
        return sum / SAMPLES;
    }

    /** instantaneous_ops_per_sec. */
    public long instantaneousOps() {
        return instantaneous(0);
    }

    /** Bytes per second read from clients, averaged as instantaneous_input_kbps. */
    public long instantaneousInputBytes() {
        return instantaneous(1);
    }

    public long instantaneousOutputBytes() {
        return instantaneous(2);
    }

    /** Highest memory use seen by {@link #notePeakMemory} (used_memory_peak). */
    public long peakMemory() {
        return peakMemory;
    }

    public void notePeakMemory(long used) {
        if (used > peakMemory) {
            peakMemory = used;
        }
    }

    public void reset() {
        for (LongAdder a : new LongAdder[]{commandsProcessed, connectionsReceived, rejectedConnections, keyspaceHits,
                keyspaceMisses, expiredKeys, netInputBytes, netOutputBytes, totalErrorReplies, evictedKeys, evictedClients,
                aclDeniedAuth, aclDeniedCommand, aclDeniedKey, aclDeniedChannel}) {
            a.reset();
        }
        errorsByCode.clear();
    }
}
