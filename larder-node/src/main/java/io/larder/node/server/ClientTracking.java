package io.larder.node.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * One connection's client-side caching state (CLIENT TRACKING): its mode and flags, where its invalidations go,
 * its BCAST prefixes, and the invalidations of its own command that wait until that command has replied.
 * <p>
 * The owner's event loop changes it; the flags other event loops consult when they invalidate (on, bcast, noloop,
 * redirect, broken redirect) are volatile. Created on the connection's first CLIENT TRACKING and kept until it
 * closes, so its table entries (client ids, as in Redis) stay meaningful when tracking is switched off and on.
 */
public final class ClientTracking {
    final Client client;
    volatile boolean on;
    volatile boolean bcast;
    volatile boolean optin;
    volatile boolean optout;
    volatile boolean noloop;
    volatile boolean brokenRedirect;
    /** Client id invalidations go to; 0 for this connection itself. */
    volatile long redirect;
    /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) given for the next command or transaction. */
    boolean caching;
    /** True while one of this client's commands runs: invalidations it causes to itself wait for its reply. */
    boolean executing;
    /** BCAST prefixes, in Redis's (unsigned byte) order; touched by the owner under the registry's lock. */
    final TreeSet<byte[]> prefixes = new TreeSet<>(Arrays::compareUnsigned);
    /** Invalidation payloads (a key array or a null) held back until the running command has replied. */
    private List<byte[]> deferred;

    ClientTracking(Client client) {
        this.client = client;
    }

    public boolean on() { return on; }

    public boolean bcast() { return bcast; }

    public boolean optin() { return optin; }

    public boolean optout() { return optout; }

    public boolean noloop() { return noloop; }

    public boolean caching() { return caching; }

    /** CLIENT CACHING YES in OPTIN mode, NO in OPTOUT mode: applies to the next command or transaction. */
    public void cachingGiven() { caching = true; }

    public boolean brokenRedirect() { return brokenRedirect; }

    /** The redirect CLIENT GETREDIR and CLIENT LIST report: the client id, 0 for none, -1 when tracking is off. */
    public long reportedRedirect() {
        return on ? redirect : -1;
    }

    /** The BCAST prefixes in Redis's order. */
    public List<byte[]> prefixes() {
        return List.copyOf(prefixes);
    }

    void defer(byte[] payload) {
        if (deferred == null) {
            deferred = new ArrayList<>(2);
        }
        deferred.add(payload);
    }

    /** Takes the held-back invalidations, or null when there are none. */
    List<byte[]> takeDeferred() {
        List<byte[]> d = deferred;
        deferred = null;
        return d;
    }
}
