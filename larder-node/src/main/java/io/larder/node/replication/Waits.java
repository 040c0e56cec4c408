package io.larder.node.replication;

import io.larder.node.server.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Clients blocked in WAIT or WAITAOF. A waiting client holds no lock and no thread: its connection is suspended
 * until it may be answered (checked on every ACK and every AOF fsync) or its timeout fires on its event loop; the
 * reply, the counts reached by then, is written on that event loop.
 */
final class Waits {
    private static final class Waiter {
        final Client client;
        /** The replication offset the replicas must have acknowledged (or, for WAITAOF, fsynced). */
        final long position;
        final long needed;
        /** WAITAOF: the local AOF position that must be fsynced and whether that is asked for; WAIT: -1. */
        final long localPosition;
        final long localNeeded;
        ScheduledFuture<?> timer;

        Waiter(Client client, long position, long needed, long localPosition, long localNeeded) {
            this.client = client;
            this.position = position;
            this.needed = needed;
            this.localPosition = localPosition;
            this.localNeeded = localNeeded;
        }

        boolean aof() {
            return localPosition >= 0;
        }
    }

    private final Replication replication;
    /** Guarded by this. */
    private final List<Waiter> waiters = new ArrayList<>();

    Waits(Replication replication) {
        this.replication = replication;
    }

    /** WAIT: blocks the client (on its event loop) until {@code needed} replicas acknowledged {@code position}. */
    void block(Client client, long position, long needed, long timeoutMillis) {
        add(new Waiter(client, position, needed, -1, 0), timeoutMillis);
    }

    /**
     * WAITAOF: blocks the client until {@code needed} replicas fsynced {@code position} and, when
     * {@code localNeeded} is 1, the local AOF fsynced {@code localPosition}.
     */
    void blockAof(Client client, long position, long needed, long localPosition, long localNeeded, long timeoutMillis) {
        add(new Waiter(client, position, needed, localPosition, localNeeded), timeoutMillis);
    }

    private void add(Waiter w, long timeoutMillis) {
        Client client = w.client;
        client.handler().suspend();
        synchronized (this) {
            waiters.add(w);
        }
        client.channel().closeFuture().addListener(f -> forget(client));
        if (timeoutMillis > 0) {
            w.timer = client.channel().eventLoop().schedule(() -> finish(w), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        replication.requestAcks();
        check();
    }

    /** An ACK arrived, an fsync completed or the AOF was turned off: wakes the waiters that may be answered. */
    void check() {
        List<Waiter> ready = null;
        synchronized (this) {
            for (Waiter w : waiters) {
                if (answerable(w)) {
                    if (ready == null) {
                        ready = new ArrayList<>(2);
                    }
                    ready.add(w);
                }
            }
        }
        if (ready != null) {
            ready.forEach(this::finish);
        }
    }

    private boolean answerable(Waiter w) {
        if (!w.aof()) {
            return replication.acknowledged(w.position) >= w.needed;
        }
        if (w.localNeeded > 0 && !replication.aofOn()) {
            return true; // answered with an error, as Redis
        }
        return replication.fsyncAcknowledged(w.position) >= w.needed
                && replication.fsyncedLocally(w.localPosition) >= w.localNeeded;
    }

    /** A connection closed: its wait, if any, ends without a reply. */
    void forget(Client client) {
        Waiter gone = null;
        synchronized (this) {
            for (Waiter w : waiters) {
                if (w.client == client) {
                    gone = w;
                }
            }
            waiters.remove(gone);
        }
        if (gone != null && gone.timer != null) {
            gone.timer.cancel(false);
        }
    }

    private void finish(Waiter w) {
        synchronized (this) {
            if (!waiters.remove(w)) {
                return; // the timeout and an ACK raced; one reply only
            }
        }
        if (w.timer != null) {
            w.timer.cancel(false);
        }
        w.client.channel().eventLoop().execute(() -> {
            if (!w.aof()) {
                w.client.reply().integer(replication.acknowledged(w.position));
            } else if (w.localNeeded > 0 && !replication.aofOn()) {
                w.client.error(ReplicationCommands.WAITAOF_WITHOUT_AOF);
            } else {
                w.client.reply().array(2);
                w.client.reply().integer(replication.fsyncedLocally(w.localPosition));
                w.client.reply().integer(replication.fsyncAcknowledged(w.position));
            }
            w.client.handler().resume();
        });
    }
}
