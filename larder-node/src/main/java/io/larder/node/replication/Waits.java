package io.larder.node.replication;

import io.larder.node.server.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Clients blocked in WAIT. A waiting client holds no lock and no thread: its connection is suspended until
 * enough replicas acknowledged its offset (checked on every ACK) or its timeout fires on its event loop; the
 * reply, the count of replicas that acknowledged by then, is written on that event loop.
 */
final class Waits {
    private static final class Waiter {
        final Client client;
        final long position;
        final long needed;
        ScheduledFuture<?> timer;

        Waiter(Client client, long position, long needed) {
            this.client = client;
            this.position = position;
            this.needed = needed;
        }
    }

    private final Replication replication;
    /** Guarded by this. */
    private final List<Waiter> waiters = new ArrayList<>();

    Waits(Replication replication) {
        this.replication = replication;
    }

    /** Blocks the client (on its event loop) until {@code needed} replicas acknowledged {@code position}. */
    void block(Client client, long position, long needed, long timeoutMillis) {
        client.handler().suspend();
        Waiter w = new Waiter(client, position, needed);
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

    /** An ACK arrived: wakes the waiters it satisfies. */
    void check() {
        List<Waiter> ready = null;
        synchronized (this) {
            for (Waiter w : waiters) {
                if (replication.acknowledged(w.position) >= w.needed) {
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
            w.client.reply().integer(replication.acknowledged(w.position));
            w.client.handler().resume();
        });
    }
}
