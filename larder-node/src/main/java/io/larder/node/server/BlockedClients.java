package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.keyspace.KeyspaceListener;
import io.larder.node.propagation.Propagation;
import io.larder.resp.ReplyWriter;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Clients parked by blocking commands (BLPOP and friends), keyed by (db, key), in the order they blocked.
 * <p>
 * A blocked client holds no lock and its connection is suspended. A command that makes a key non-empty calls
 * {@link #signal}; once the dispatcher has released that command's locks it calls {@link #handleReady}, which
 * (as Redis's handleClientsBlockedOnKeys) retries the clients blocked on each ready key, longest waiting first,
 * under the stripe locks of the retried command's keys, until the key runs dry. What a retry pushes (BLMOVE)
 * signals further keys, handled in the same pass.
 * <p>
 * Lock order: stripes, then a {@link Blocked} entry's monitor, then this registry's monitor.
 */
public final class BlockedClients implements KeyspaceListener {
    /** Retries a blocked command with its keys' stripes held: writes its reply and returns true, or false to keep waiting. */
    @FunctionalInterface
    public interface Retry {
        boolean serve(Client client, ReplyWriter out);
    }

    /** Writes the reply a blocked command gives when it times out. */
    @FunctionalInterface
    public interface TimeoutReply {
        void write(ReplyWriter out);
    }

    /** A key of one database, compared by content. */
    private record WaitKey(int db, byte[] key) {
        static WaitKey of(int db, byte[] key) {
            return new WaitKey(db, key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WaitKey w && w.db == db && Arrays.equals(w.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * db + Arrays.hashCode(key);
        }
    }

    /** One blocked command. */
    private final class Blocked {
        final Client client;
        final List<WaitKey> keys;
        final int[] stripes;
        final Class<?> valueType;
        final Retry retry;
        final TimeoutReply timeoutReply;
        /** Streams: a waiter that gets nothing does not stop the waiters after it (each waits for its own ID). */
        final boolean retryEveryWaiter;
        /** XREADGROUP: retried also when the key is deleted or changes type, to tell it so. */
        final boolean retryWithoutValue;
        final ChannelFutureListener onClose = f -> disconnected(this);
        /** The blocking command as received: when served, it is logged as if it had just run. */
        final byte[][] command;
        ScheduledFuture<?> timer;
        boolean waiting = true; // guarded by this entry's monitor

        Blocked(Client client, List<WaitKey> keys, int[] stripes, Class<?> valueType, Retry retry,
                TimeoutReply timeoutReply, boolean retryEveryWaiter, boolean retryWithoutValue) {
            this.client = client;
            this.command = client.currentCommand();
            this.retryEveryWaiter = retryEveryWaiter;
            this.retryWithoutValue = retryWithoutValue;
            this.valueType = valueType;
            this.keys = keys;
            this.stripes = stripes;
            this.retry = retry;
            this.timeoutReply = timeoutReply;
        }
    }

    private final Keyspace keyspace;
    private final Map<WaitKey, ArrayDeque<Blocked>> byKey = new HashMap<>();
    private final Map<Long, Blocked> byClient = new HashMap<>();
    private volatile int blockedCount;
    private final FastThreadLocal<ArrayDeque<WaitKey>> ready = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<WaitKey> initialValue() {
            return new ArrayDeque<>();
        }
    };

    private final Propagation propagation;

    BlockedClients(Keyspace keyspace, Propagation propagation) {
        this.keyspace = keyspace;
        this.propagation = propagation;
    }

    /**
     * Parks {@code client} on {@code keys} of its database (the caller holds their stripes, so no push can slip
     * between its empty check and this). {@code extraKeys} are further keys the retry touches (BLMOVE's
     * destination). The client is retried when a key it waits on is signalled and holds a {@code valueType}.
     * A timeout of 0 waits forever.
     */
    public void block(Client client, byte[][] keys, byte[][] extraKeys, Class<?> valueType, long timeoutMillis,
                      Retry retry, TimeoutReply timeoutReply) {
        block(client, keys, extraKeys, valueType, timeoutMillis, retry, timeoutReply, false, false);
    }

    /**
     * As {@link #block(Client, byte[][], byte[][], Class, long, Retry, TimeoutReply)}, for stream readers: with
     * {@code retryEveryWaiter} a signal retries every waiter on the key (each reads after its own ID); with
     * {@code retryWithoutValue} the waiter is also retried when the key is deleted or changes type (Redis's
     * unblock_on_nokey), which the retry reports as an error.
     */
    public void block(Client client, byte[][] keys, byte[][] extraKeys, Class<?> valueType, long timeoutMillis,
                      Retry retry, TimeoutReply timeoutReply, boolean retryEveryWaiter, boolean retryWithoutValue) {
        List<WaitKey> waitKeys = new ArrayList<>(keys.length);
        for (byte[] key : keys) {
            WaitKey k = WaitKey.of(client.dbIndex(), key);
            if (!waitKeys.contains(k)) {
                waitKeys.add(k);
            }
        }
        int[] stripes = new int[keys.length + extraKeys.length];
        for (int i = 0; i < keys.length; i++) {
            stripes[i] = Keyspace.stripeOf(keys[i]);
        }
        for (int i = 0; i < extraKeys.length; i++) {
            stripes[keys.length + i] = Keyspace.stripeOf(extraKeys[i]);
        }
        Blocked b = new Blocked(client, waitKeys, Arrays.stream(stripes).sorted().distinct().toArray(), valueType,
                retry, timeoutReply, retryEveryWaiter, retryWithoutValue);
        if (retryWithoutValue) {
            keyspace.modificationInterest(1); // deletions and overwrites reach keyChanged
        }
        client.handler().suspend();
        synchronized (this) {
            for (WaitKey k : waitKeys) {
                byKey.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(b);
            }
            byClient.put(client.id(), b);
            blockedCount++;
        }
        if (timeoutMillis > 0) {
            b.timer = client.channel().eventLoop().schedule(() -> finish(b, null, false), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        client.channel().closeFuture().addListener(b.onClose);
    }

    /**
     * Called by a command that made {@code key} non-empty or gave it a new value (its stripe held); handled by
     * {@link #handleReady}.
     */
    public void signal(int db, byte[] key) {
        if (blockedCount == 0) {
            return;
        }
        WaitKey k = WaitKey.of(db, key);
        synchronized (this) {
            if (!byKey.containsKey(k)) {
                return;
            }
        }
        ArrayDeque<WaitKey> pending = ready.get();
        if (!pending.contains(k)) {
            pending.addLast(k);
        }
    }

    /** Serves the clients blocked on the keys signalled by the command just run; the caller holds no stripe. */
    public void handleReady() {
        if (blockedCount == 0 && !ready.isSet()) {
            return;
        }
        ArrayDeque<WaitKey> pending = ready.get();
        while (!pending.isEmpty()) {
            WaitKey key = pending.pollFirst();
            List<Blocked> queue;
            synchronized (this) {
                ArrayDeque<Blocked> q = byKey.get(key);
                queue = q == null ? List.of() : new ArrayList<>(q);
            }
            for (Blocked b : queue) {
                if (!serve(key, b) && !b.retryEveryWaiter) {
                    break;
                }
            }
        }
    }

    /**
     * Retries one blocked client; false when the key does not hold the awaited type or the retry found nothing
     * (later clients would not get more).
     */
    private boolean serve(WaitKey key, Blocked b) {
        for (int s : b.stripes) {
            keyspace.lockStripe(s);
        }
        try {
            synchronized (b) {
                if (!b.waiting) {
                    return true;
                }
                if (!b.retryWithoutValue && !b.valueType.isInstance(keyspace.db(key.db()).get(key.key()))) {
                    return false;
                }
                ReplyWriter out = new ReplyWriter(b.client.channel().alloc());
                out.protocol(b.client.reply().protocol());
                boolean logged = propagation.active();
                if (logged) {
                    propagation.beforeCommand();
                }
                if (!b.retry.serve(b.client, out)) {
                    out.discard();
                    return false;
                }
                unregister(b);
                long position = 0;
                if (logged) {
                    propagation.commandDone(b.client.dbIndex(), Propagation.commandName(b.command), b.command);
                    position = propagation.endUnit();
                    b.client.awaitLogPosition(position);
                }
                io.netty.buffer.ByteBuf reply = out.take();
                propagation.whenDurable(position, () -> b.client.handler().send(reply));
            }
        } finally {
            for (int i = b.stripes.length - 1; i >= 0; i--) {
                keyspace.unlockStripe(b.stripes[i]);
            }
        }
        b.client.handler().resume();
        return true;
    }

    /**
     * CLIENT UNBLOCK: ends the wait of client {@code id} with its timeout reply, or with an UNBLOCKED error;
     * false when that client is not blocked.
     */
    public boolean unblock(long id, boolean withError) {
        Blocked b;
        synchronized (this) {
            b = byClient.get(id);
        }
        return b != null && finish(b, withError ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null, false);
    }

    /**
     * The node became a replica (REPLICAOF): every blocked client gets {@code error} and is disconnected, as in
     * Redis, since what it waits for may now never come or come from the primary.
     */
    public void disconnectAll(String error) {
        List<Blocked> all;
        synchronized (this) {
            all = new ArrayList<>(byClient.values());
        }
        for (Blocked b : all) {
            finish(b, error, true);
        }
    }

    /**
     * Ends a wait by timeout (error null: the timeout reply), CLIENT UNBLOCK or a role change; the reply is written
     * on the client's own event loop.
     */
    private boolean finish(Blocked b, String error, boolean close) {
        synchronized (b) {
            if (!b.waiting) {
                return false;
            }
            unregister(b);
        }
        b.client.channel().eventLoop().execute(() -> {
            if (error != null) {
                b.client.error(error);
            } else {
                b.timeoutReply.write(b.client.reply());
            }
            if (close) {
                b.client.closeAfterReply();
            }
            b.client.handler().resume();
        });
        return true;
    }

    private void disconnected(Blocked b) {
        synchronized (b) {
            if (b.waiting) {
                unregister(b);
            }
        }
    }

    /** The caller holds {@code b}'s monitor. */
    private void unregister(Blocked b) {
        b.waiting = false;
        if (b.timer != null) {
            b.timer.cancel(false);
        }
        b.client.channel().closeFuture().removeListener(b.onClose);
        synchronized (this) {
            for (WaitKey k : b.keys) {
                ArrayDeque<Blocked> q = byKey.get(k);
                if (q != null) {
                    q.remove(b);
                    if (q.isEmpty()) {
                        byKey.remove(k);
                    }
                }
            }
            byClient.remove(b.client.id());
            blockedCount--;
        }
        if (b.retryWithoutValue) {
            keyspace.modificationInterest(-1);
        }
    }

    /**
     * A key was modified (the keyspace listener's hook, stripe held): when it no longer holds a value a waiter
     * that must hear of that awaits, it is signalled (Redis's signalDeletedKeyAsReady).
     */
    @Override
    public void modified(Db db, byte[] key) {
        if (blockedCount == 0) {
            return;
        }
        WaitKey k = WaitKey.of(db.index(), key);
        Class<?> awaited;
        synchronized (this) {
            ArrayDeque<Blocked> q = byKey.get(k);
            Blocked b = q == null ? null : q.stream().filter(w -> w.retryWithoutValue).findFirst().orElse(null);
            if (b == null) {
                return;
            }
            awaited = b.valueType;
        }
        if (!awaited.isInstance(db.get(key, false))) {
            signal(db.index(), key);
        }
    }

    /**
     * A database is emptied or swapped (every stripe held): every key waited on in it is signalled, as Redis
     * scans a swapped database for ready keys; each waiter's retry decides whether it has anything.
     */
    @Override
    public void flushing(Db db) {
        databaseChanged(db.index());
    }

    @Override
    public void swapping(Db db, Db replacedWith) {
        databaseChanged(db.index());
    }

    private void databaseChanged(int db) {
        if (blockedCount == 0) {
            return;
        }
        List<WaitKey> keys = new ArrayList<>();
        synchronized (this) {
            byKey.keySet().forEach(k -> {
                if (k.db() == db) {
                    keys.add(k);
                }
            });
        }
        for (WaitKey k : keys) {
            signal(k.db(), k.key());
        }
    }

    /** INFO blocked_clients. */
    public synchronized int blockedClients() {
        return byClient.size();
    }

    /** INFO total_blocking_keys: distinct (db, key) pairs some client waits on. */
    public synchronized int blockingKeys() {
        return byKey.size();
    }

    /** Whether client {@code id} is blocked (CLIENT LIST flags, tests). */
    public synchronized boolean isBlocked(long id) {
        return byClient.containsKey(id);
    }
}
