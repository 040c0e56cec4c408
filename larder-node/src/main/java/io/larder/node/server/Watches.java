package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.keyspace.KeyspaceListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys clients WATCH, and the keyspace listener that marks their transactions dirty when a watched key is
 * modified, flushed or swapped away (Redis's touchWatchedKey / touchAllWatchedKeysInDb).
 * <p>
 * Watched keys are kept per stripe, and the map of a stripe is only touched by a thread holding that stripe's
 * lock: writers signal while holding the key's stripe, WATCH runs with its keys' stripes locked, and unwatching
 * takes the stripes of the keys it drops. So the registry needs no lock of its own, and while nobody watches,
 * a write pays the single volatile read of {@link Keyspace#wantsModifications()}.
 */
public final class Watches implements KeyspaceListener {
    private final Keyspace keyspace;
    private final ServerStats stats;
    @SuppressWarnings("unchecked")
    private final Map<WatchedKey, List<Watch>>[] byStripe = new Map[Keyspace.STRIPES];
    /** Distinct watched keys, as Redis's total_watched_keys. */
    private final AtomicInteger watchedKeys = new AtomicInteger();
    private final AtomicInteger watchingClients = new AtomicInteger();

    Watches(Keyspace keyspace, ServerStats stats) {
        this.keyspace = keyspace;
        this.stats = stats;
    }

    /** A database and key; equal by content so that any copy of the key bytes finds the watchers. */
    record WatchedKey(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof WatchedKey w && w.db == db && Arrays.equals(w.key, key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + db;
        }
    }

    /** One client's watch of one key. {@code expired}: the key was already logically expired when watched. */
    static final class Watch {
        final Transaction owner;
        final WatchedKey key;
        boolean expired;

        Watch(Transaction owner, WatchedKey key, boolean expired) {
            this.owner = owner;
            this.key = key;
            this.expired = expired;
        }
    }

    /** WATCH of one key; the caller holds the key's stripe. */
    void watch(Transaction tx, Db db, byte[] key) {
        WatchedKey wk = new WatchedKey(db.index(), key);
        for (Watch w : tx.watches()) {
            if (w.key.equals(wk)) {
                return;
            }
        }
        int stripe = Keyspace.stripeOf(key);
        Map<WatchedKey, List<Watch>> map = byStripe[stripe];
        if (map == null) {
            map = new HashMap<>();
            byStripe[stripe] = map;
        }
        Watch watch = new Watch(tx, wk, db.storedExpired(key));
        List<Watch> list = map.get(wk);
        if (list == null) {
            list = new ArrayList<>(2);
            map.put(wk, list);
            watchedKeys.incrementAndGet();
        }
        list.add(watch);
        if (tx.watches().isEmpty()) {
            watchingClients.incrementAndGet();
        }
        tx.watches().add(watch);
        keyspace.modificationInterest(1);
    }

    /** Drops every watch of the transaction, taking the stripes of its keys (re-entrantly if already held). */
    void unwatchAll(Transaction tx) {
        List<Watch> watches = tx.watches();
        if (watches.isEmpty()) {
            return;
        }
        int[] stripes = stripesOf(watches);
        for (int s : stripes) {
            keyspace.lockStripe(s);
        }
        try {
            for (Watch w : watches) {
                int stripe = Keyspace.stripeOf(w.key.key());
                Map<WatchedKey, List<Watch>> map = byStripe[stripe];
                List<Watch> list = map.get(w.key);
                list.remove(w);
                if (list.isEmpty()) {
                    map.remove(w.key);
                    watchedKeys.decrementAndGet();
                }
            }
        } finally {
            for (int i = stripes.length - 1; i >= 0; i--) {
                keyspace.unlockStripe(stripes[i]);
            }
        }
        keyspace.modificationInterest(-watches.size());
        watchingClients.decrementAndGet();
        watches.clear();
    }

    /** The distinct stripes of the watched keys, ascending. */
    static int[] stripesOf(List<Watch> watches) {
        int[] stripes = new int[watches.size()];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = Keyspace.stripeOf(watches.get(i).key.key());
        }
        return Arrays.stream(stripes).sorted().distinct().toArray();
    }

    /**
     * Redis 7 re-checks at EXEC: a watched key that was live when watched but has expired since (even if nobody
     * deleted it yet) aborts the transaction. The caller holds the watched keys' stripes.
     */
    boolean anyExpiredSinceWatch(Transaction tx) {
        for (Watch w : tx.watches()) {
            if (!w.expired && keyspace.db(w.key.db()).storedExpired(w.key.key())) {
                return true;
            }
        }
        return false;
    }

    /** INFO total_watched_keys: watches over all clients. */
    public int watchedKeys() {
        return watchedKeys.get();
    }

    /** INFO watching_clients. */
    public int watchingClients() {
        return watchingClients.get();
    }

    @Override
    public void expired(Db db, byte[] key) {
        stats.expiredKeys.increment();
    }

    @Override
    public void modified(Db db, byte[] key) {
        if (watchedKeys.get() == 0) {
            return; // a watch of this key would have been counted under its stripe, which the caller holds
        }
        Map<WatchedKey, List<Watch>> map = byStripe[Keyspace.stripeOf(key)];
        if (map == null || map.isEmpty()) {
            return;
        }
        List<Watch> watches = map.get(new WatchedKey(db.index(), key));
        if (watches == null) {
            return;
        }
        for (Watch w : watches) {
            // A key that was already expired when watched and is now simply gone has not logically changed.
            if (w.expired && !db.stored(key)) {
                w.expired = false;
                continue;
            }
            w.owner.markDirty();
        }
    }

    @Override
    public void flushing(Db db) {
        touchAll(db, null);
    }

    @Override
    public void swapping(Db db, Db replacedWith) {
        touchAll(db, replacedWith);
    }

    /** Redis's touchAllWatchedKeysInDb; the caller holds every stripe. */
    private void touchAll(Db emptied, Db replacedWith) {
        if (watchedKeys.get() == 0) {
            return;
        }
        for (Map<WatchedKey, List<Watch>> map : byStripe) {
            if (map == null) {
                continue;
            }
            for (Map.Entry<WatchedKey, List<Watch>> e : map.entrySet()) {
                if (e.getKey().db() != emptied.index()) {
                    continue;
                }
                byte[] key = e.getKey().key();
                boolean inEmptied = emptied.stored(key);
                boolean inReplacement = replacedWith != null && replacedWith.stored(key);
                if (!inEmptied && !inReplacement) {
                    continue;
                }
                for (Watch w : e.getValue()) {
                    if (w.expired) {
                        if (!inReplacement) {
                            w.expired = false; // the expired key is gone: no logical change
                            continue;
                        }
                        if (replacedWith.storedExpired(key)) {
                            continue; // expired before, expired after
                        }
                    } else if (!inEmptied && replacedWith.storedExpired(key)) {
                        w.expired = true; // a missing key became an expired one: still missing
                        continue;
                    }
                    w.owner.markDirty();
                }
            }
        }
    }
}
