package io.larder.node.memory;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;
import io.larder.node.commands.ValueTypes;
import io.larder.node.config.ConfigException;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.KeyspaceEvents;
import io.larder.node.server.Node;

import java.util.concurrent.ThreadLocalRandom;

/**
 * maxmemory: frees memory by evicting keys the way Redis's performEvictions does. Each round samples
 * maxmemory-samples keys per database into a pool of the best candidates seen so far (longest idle, least
 * frequently used, or nearest expiry), then evicts the best one still present; the random policies take a
 * random key instead. Runs on the event loop of the command about to run, which holds no stripe lock then; it
 * locks one stripe at a time, so it cannot deadlock with commands. One thread evicts at a time; CONFIG SET
 * maxmemory, which may run inside EXEC holding stripes, only evicts when no other thread is evicting.
 */
public final class Evictor {
    /** Candidates kept between rounds (Redis's EVPOOL_SIZE). */
    static final int POOL_SIZE = 16;
    /** Keys evicted between two looks at the clock. */
    private static final int KEYS_PER_TIME_CHECK = 16;

    /** The outcome of an eviction pass, as Redis's EVICT_OK, EVICT_RUNNING and EVICT_FAIL. */
    public enum Result {
        /** Under the limit (or there is none). */
        OK,
        /** Still over, but the pass ran out of time while keys remained: the command may run. */
        RUNNING,
        /** Over the limit and nothing more can be evicted (or the policy is noeviction). */
        FAIL
    }

    private final Node node;
    private final Keyspace keyspace;
    private final Memory memory;
    private final ServerConfig config;
    private volatile long maxmemory;
    /** maxmemory, or without one the heap's capacity, where writes are refused as under noeviction. */
    private volatile long limit;
    private volatile EvictionPolicy policy;
    private final java.util.concurrent.locks.ReentrantLock evicting = new java.util.concurrent.locks.ReentrantLock();
    /** Set when the policy changes: the pool's scores were of another measure. */
    private volatile boolean poolStale;
    private final Candidate[] pool = new Candidate[POOL_SIZE];
    private int poolSize;
    private int nextRandomDb;

    private record Candidate(long score, int db, byte[] key) {
    }

    public Evictor(Node node, Memory memory) {
        this.node = node;
        this.keyspace = node.keyspace();
        this.memory = memory;
        this.config = node.config();
        ConfigParam.ConfigHook reload = new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) {
                reload();
            }
        };
        for (String name : new String[] {"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"}) {
            config.find(name).onChange(reload);
        }
        // Like Redis's CONFIG SET maxmemory, a lower limit takes effect at once, not at the next command.
        config.find("maxmemory").onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) throws ConfigException {
                long asked = config.find("maxmemory").asLong();
                if (asked > memory.capacity()) {
                    throw new ConfigException(aboveCapacity(asked));
                }
                reload();
                if (evicting.tryLock()) { // never wait for the evicting thread: this one may hold stripes
                    try {
                        perform();
                    } finally {
                        evicting.unlock();
                    }
                }
            }
        });
        reload();
        if (maxmemory > memory.capacity()) {
            System.err.println("larder: WARNING " + aboveCapacity(maxmemory) + "; the node may run out of heap");
        }
    }

    /** Why a maxmemory cannot be honoured by this JVM. */
    private String aboveCapacity(long asked) {
        return "maxmemory " + asked + " is more than this node's heap can hold (" + memory.capacity()
                + " bytes with -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + "m); restart the node with the new maxmemory (./larder server sizes the heap from it)";
    }

    private void reload() {
        maxmemory = config.find("maxmemory").asLong();
        limit = maxmemory != 0 ? maxmemory : memory.capacity();
        EvictionPolicy p = EvictionPolicy.of(config.find("maxmemory-policy").text());
        keyspace.accessPolicy(p.lfu(), config.find("lfu-log-factor").asInt(), config.find("lfu-decay-time").asInt());
        if (p != policy) {
            poolStale = true;
        }
        policy = p;
    }

    public long maxmemory() {
        return maxmemory;
    }

    public EvictionPolicy policy() {
        return policy;
    }

    /** One volatile read; false only for a node whose heap could not be measured. */
    public boolean limited() {
        return limit != 0;
    }

    /** Evicts within maxmemory-eviction-tenacity's time budget (before a command, like Redis). */
    public Result perform() {
        long max = limit;
        if (max == 0 || memory.usedForEviction() <= max) {
            return Result.OK;
        }
        return perform(timeLimitNanos(config.find("maxmemory-eviction-tenacity").asInt()));
    }

    /**
     * Evicts until used memory is within maxmemory, checking the time every few keys against
     * {@code limitNanos} (Long.MAX_VALUE: no limit).
     */
    public Result perform(long limitNanos) {
        long max = limit;
        if (max == 0 || memory.usedForEviction() <= max) {
            return Result.OK;
        }
        if (node.replicaLink().active() && config.find("replica-ignore-maxmemory").asBool()) {
            return Result.OK; // a replica's keys are its primary's to evict
        }
        if (policy == EvictionPolicy.NOEVICTION || maxmemory == 0) {
            return Result.FAIL;
        }
        evicting.lock();
        try {
            if (poolStale) {
                poolStale = false;
                java.util.Arrays.fill(pool, null);
                poolSize = 0;
            }
            long start = System.nanoTime();
            long evicted = 0;
            while (memory.usedForEviction() > max) {
                EvictionPolicy p = policy;
                if (p == EvictionPolicy.NOEVICTION || maxmemory == 0) {
                    return Result.FAIL;
                }
                Boolean outcome = p.measure() == EvictionPolicy.Measure.RANDOM ? evictRandom(p) : evictBest(p);
                if (outcome == null) {
                    return Result.FAIL;
                }
                if (outcome && ++evicted % KEYS_PER_TIME_CHECK == 0 && System.nanoTime() - start > limitNanos) {
                    return Result.RUNNING;
                }
            }
            return Result.OK;
        } finally {
            evicting.unlock();
        }
    }

    /** Redis's evictionTimeLimitUs: 50 us per tenacity step up to 10, then growing 15% a step, 100 unlimited. */
    static long timeLimitNanos(int tenacity) {
        if (tenacity <= 10) {
            return 50_000L * tenacity;
        }
        if (tenacity < 100) {
            return (long) (500_000.0 * Math.pow(1.15, tenacity - 10.0));
        }
        return Long.MAX_VALUE;
    }

    /** Samples into the pool and evicts its best candidate; null when no key can be evicted. */
    private Boolean evictBest(EvictionPolicy p) {
        int samples = Math.max(1, config.find("maxmemory-samples").asInt());
        while (true) {
            boolean any = false;
            for (int d = 0; d < keyspace.databaseCount(); d++) {
                Db db = keyspace.db(d);
                if (db.size() > 0) {
                    any |= sample(db, p, samples);
                }
            }
            if (!any && poolSize == 0) {
                return null;
            }
            while (poolSize > 0) {
                Candidate best = pool[--poolSize];
                pool[poolSize] = null;
                if (evict(keyspace.db(best.db()), best.key(), p)) {
                    return true;
                }
            }
            if (!any) {
                return null;
            }
        }
    }

    /** A random key of the next database that has one (round robin, as Redis); null when there is none. */
    private Boolean evictRandom(EvictionPolicy p) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int tries = 0; tries < keyspace.databaseCount(); tries++) {
            Db db = keyspace.db(nextRandomDb);
            nextRandomDb = (nextRandomDb + 1) % keyspace.databaseCount();
            if (db.size() == 0) {
                continue;
            }
            byte[] key = randomKey(db, p.volatileOnly(), random);
            if (key != null) {
                return evict(db, key, p);
            }
        }
        return null;
    }

    private byte[] randomKey(Db db, boolean volatileOnly, ThreadLocalRandom random) {
        int start = random.nextInt(HashSlot.COUNT);
        for (int n = 0; n < HashSlot.COUNT; n++) {
            int slot = (start + n) & (HashSlot.COUNT - 1);
            if (!promising(db.slot(slot), volatileOnly)) {
                continue;
            }
            int stripe = Keyspace.stripeOf(slot);
            keyspace.lockStripe(stripe);
            try {
                Dict dict = db.slot(slot);
                if (!promising(dict, volatileOnly)) {
                    continue;
                }
                int cell = dict.randomCell(random);
                for (int i = 0; i < dict.capacity(); i++) {
                    int c = (cell + i) & (dict.capacity() - 1);
                    if (dict.keyAt(c) != null && (!volatileOnly || dict.expiryAt(c) != 0)) {
                        return dict.keyAt(c);
                    }
                }
            } finally {
                keyspace.unlockStripe(stripe);
            }
        }
        return null;
    }

    /** A racy look at a slot's table: worth locking its stripe to sample it. */
    private static boolean promising(Dict dict, boolean volatileOnly) {
        return dict != null && dict.size() > 0 && (!volatileOnly || dict.volatileCount() > 0);
    }

    /**
     * Puts about {@code samples} keys of the database, from consecutive cells of random slots (as Redis's
     * dictGetSomeKeys), into the pool; false when the database has no candidate.
     */
    private boolean sample(Db db, EvictionPolicy p, int samples) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean volatileOnly = p.volatileOnly();
        int lruNow = keyspace.lruClock();
        int taken = 0;
        int start = random.nextInt(HashSlot.COUNT);
        for (int n = 0; n < HashSlot.COUNT && taken < samples; n++) {
            int slot = (start + n) & (HashSlot.COUNT - 1);
            if (!promising(db.slot(slot), volatileOnly)) {
                continue;
            }
            int stripe = Keyspace.stripeOf(slot);
            keyspace.lockStripe(stripe);
            try {
                Dict dict = db.slot(slot);
                if (!promising(dict, volatileOnly)) {
                    continue;
                }
                int mask = dict.capacity() - 1;
                int cell = random.nextInt(dict.capacity());
                for (int i = 0; i <= mask && taken < samples; i++) {
                    int c = (cell + i) & mask;
                    byte[] key = dict.keyAt(c);
                    if (key == null || volatileOnly && dict.expiryAt(c) == 0) {
                        continue;
                    }
                    taken++;
                    offer(new Candidate(score(p, dict, c, lruNow), db.index(), key));
                }
            } finally {
                keyspace.unlockStripe(stripe);
            }
        }
        return taken > 0;
    }

    /** Higher is a better candidate for eviction. */
    private long score(EvictionPolicy p, Dict dict, int cell, int lruNow) {
        return switch (p.measure()) {
            case IDLE -> ValueTypes.idleSeconds(lruNow, dict.accessAt(cell));
            case RARITY -> 255 - keyspace.lfuDecayed(dict.accessAt(cell));
            case TTL -> Long.MAX_VALUE - dict.expiryAt(cell);
            case NONE, RANDOM -> 0;
        };
    }

    /** Keeps the pool sorted by ascending score, its best candidates last; a key already there is updated. */
    private void offer(Candidate c) {
        for (int i = 0; i < poolSize; i++) {
            if (pool[i].db() == c.db() && java.util.Arrays.equals(pool[i].key(), c.key())) {
                System.arraycopy(pool, i + 1, pool, i, poolSize - i - 1);
                pool[--poolSize] = null;
                break;
            }
        }
        int at = 0;
        while (at < poolSize && pool[at].score() < c.score()) {
            at++;
        }
        if (poolSize == POOL_SIZE) {
            if (at == 0) {
                return; // worse than every candidate in a full pool
            }
            System.arraycopy(pool, 1, pool, 0, at - 1); // drop the worst, shift the rest down
            pool[at - 1] = c;
            return;
        }
        System.arraycopy(pool, at, pool, at + 1, poolSize - at);
        pool[at] = c;
        poolSize++;
    }

    /**
     * Deletes the key if it is still there (and still has a TTL under a volatile policy), then tells WATCH,
     * client tracking and keyspace notifications. True when memory was freed.
     */
    private boolean evict(Db db, byte[] key, EvictionPolicy p) {
        int stripe = Keyspace.stripeOf(key);
        keyspace.lockStripe(stripe);
        try {
            if (!db.stored(key) || p.volatileOnly() && db.expiry(key) == 0) {
                return false;
            }
            if (!db.delete(key)) {
                return true; // it had expired: gone as such, memory freed all the same
            }
            node.stats().evictedKeys.increment();
            db.signalModified(key);
            node.keyspaceEvents().notify(KeyspaceEvents.EVICTED, "evicted", key, db.index());
            return true;
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }
}
