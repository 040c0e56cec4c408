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
    private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();

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

    public void reset() {
        for (LongAdder a : new LongAdder[]{commandsProcessed, connectionsReceived, rejectedConnections, keyspaceHits,
                keyspaceMisses, expiredKeys, netInputBytes, netOutputBytes, totalErrorReplies}) {
            a.reset();
        }
        errorsByCode.clear();
    }
}
