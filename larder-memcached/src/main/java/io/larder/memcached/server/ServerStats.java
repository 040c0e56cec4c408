package io.larder.memcached.server;

import io.larder.memcached.store.Store;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The server-wide counters behind {@code stats}, named as memcached names them. */
public final class ServerStats {
    public final LongAdder cmdGet = new LongAdder();
    public final LongAdder cmdSet = new LongAdder();
    public final LongAdder cmdFlush = new LongAdder();
    public final LongAdder cmdTouch = new LongAdder();
    public final LongAdder cmdMeta = new LongAdder();
    public final LongAdder getHits = new LongAdder();
    public final LongAdder getMisses = new LongAdder();
    public final LongAdder deleteMisses = new LongAdder();
    public final LongAdder deleteHits = new LongAdder();
    public final LongAdder incrMisses = new LongAdder();
    public final LongAdder incrHits = new LongAdder();
    public final LongAdder decrMisses = new LongAdder();
    public final LongAdder decrHits = new LongAdder();
    public final LongAdder casMisses = new LongAdder();
    public final LongAdder casHits = new LongAdder();
    public final LongAdder casBadval = new LongAdder();
    public final LongAdder touchHits = new LongAdder();
    public final LongAdder touchMisses = new LongAdder();
    public final LongAdder storeTooLarge = new LongAdder();
    public final LongAdder storeNoMemory = new LongAdder();
    public final LongAdder authCmds = new LongAdder();
    public final LongAdder authErrors = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();
    public final LongAdder totalConnections = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder cmdConfigGet = new LongAdder();
    public final LongAdder cmdConfigSet = new LongAdder();
    public final AtomicInteger currConnections = new AtomicInteger();

    /** stats reset: every cumulative counter (connection gauges stay). */
    public void reset() {
        for (LongAdder a : new LongAdder[]{cmdGet, cmdSet, cmdFlush, cmdTouch, cmdMeta, getHits, getMisses,
                deleteMisses, deleteHits, incrMisses, incrHits, decrMisses, decrHits, casMisses, casHits, casBadval,
                touchHits, touchMisses, storeTooLarge, storeNoMemory, authCmds, authErrors, bytesRead, bytesWritten,
                totalConnections, rejectedConnections, cmdConfigGet, cmdConfigSet}) {
            a.reset();
        }
    }

    /** Counts a CAS command's outcome as memcached's cas_hits, cas_badval and cas_misses. */
    public void countCas(Store.Status status) {
        switch (status) {
            case STORED -> casHits.increment();
            case EXISTS -> casBadval.increment();
            case NOT_FOUND -> casMisses.increment();
            default -> { }
        }
    }
}
