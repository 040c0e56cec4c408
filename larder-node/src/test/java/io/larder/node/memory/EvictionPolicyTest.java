package io.larder.node.memory;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.memory.Footprint;
import io.larder.node.config.ConfigException;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Node;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which keys each maxmemory-policy evicts first, on a node whose clock the test moves. With maxmemory-samples
 * above the key count every round sees every key, so the sampled policies become exact and the order is
 * checkable; the limit is set so that exactly {@code n} keys must go.
 */
class EvictionPolicyTest {
    private static final int KEYS = 10;
    private static final byte[] VALUE = "value-of-sixteen".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private Node node;
    private Keyspace keyspace;
    private Db db;

    @BeforeEach
    void start() throws ConfigException {
        ServerConfig config = new ServerConfig();
        config.find("maxmemory-samples").set("64");
        node = new Node(config, now::get);
        keyspace = node.keyspace();
        db = keyspace.db(0);
    }

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private void set(String name, String value) throws ConfigException {
        node.config().find(name).set(value);
    }

    private void advanceSeconds(long seconds) {
        now.addAndGet(seconds * 1000);
        keyspace.refreshClock();
    }

    private <T> T locked(byte[] key, java.util.function.Supplier<T> action) {
        int stripe = Keyspace.stripeOf(key);
        keyspace.lockStripe(stripe);
        try {
            return action.get();
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }

    /** Key i is written at second i (so key 0 is the least recently used), with a TTL when {@code ttl(i)} > 0. */
    private void load(java.util.function.IntToLongFunction ttlMillis) {
        for (int i = 0; i < KEYS; i++) {
            byte[] k = key(i);
            long ttl = ttlMillis.applyAsLong(i);
            locked(k, () -> {
                db.put(k, VALUE, ttl > 0 ? now.get() + ttl : 0, false);
                return null;
            });
            advanceSeconds(1);
        }
    }

    private void read(int i) {
        locked(key(i), () -> db.get(key(i)));
    }

    /** Sets maxmemory so that exactly {@code n} of the equal-sized keys must go, and evicts. */
    private Evictor.Result evict(int n) throws ConfigException {
        long perKey = Footprint.entry(key(0), VALUE, null);
        set("maxmemory", Long.toString(node.memory().used() - n * perKey));
        return node.evictor().perform(Long.MAX_VALUE);
    }

    private List<Integer> remaining() {
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            int k = i;
            if (locked(key(i), () -> db.exists(key(k)))) {
                left.add(i);
            }
        }
        return left;
    }

    @Test
    void allkeysLruEvictsTheLeastRecentlyUsed() throws ConfigException {
        set("maxmemory-policy", "allkeys-lru");
        load(i -> 0);
        read(0); // key 0 becomes the most recent: keys 1, 2, 3 are now the oldest
        assertThat(evict(3)).isEqualTo(Evictor.Result.OK);
        assertThat(remaining()).containsExactly(0, 4, 5, 6, 7, 8, 9);
        assertThat(node.stats().evictedKeys.sum()).isEqualTo(3);
        assertThat(node.memory().used()).isLessThanOrEqualTo(node.evictor().maxmemory());
    }

    @Test
    void volatileLruOnlyTouchesKeysWithATtl() throws ConfigException {
        set("maxmemory-policy", "volatile-lru");
        load(i -> i % 2 == 1 ? 3_600_000 : 0);
        read(1);
        assertThat(evict(3)).isEqualTo(Evictor.Result.OK);
        assertThat(remaining()).containsExactly(0, 1, 2, 4, 6, 8, 9);
    }

    @Test
    void allkeysLfuEvictsTheLeastFrequentlyUsed() throws ConfigException {
        set("maxmemory-policy", "allkeys-lfu");
        set("lfu-log-factor", "0"); // every access increments the counter: a deterministic frequency
        load(i -> 0);
        for (int i = 0; i < KEYS; i++) {
            for (int n = 0; n < (i * 7) % KEYS; n++) { // access counts 0 7 4 1 8 5 2 9 6 3
                read(i);
            }
        }
        assertThat(evict(3)).isEqualTo(Evictor.Result.OK);
        assertThat(remaining()).containsExactly(1, 2, 4, 5, 7, 8, 9); // 0, 3 and 6 were read least
    }

    @Test
    void lfuCountersDecayWithTimeAndGrowLogarithmically() throws ConfigException {
        set("maxmemory-policy", "allkeys-lfu");
        load(i -> 0);
        int initial = keyspace.lfuDecayed(db.accessClock(key(0)));
        assertThat(initial).isEqualTo(5);
        for (int n = 0; n < 1000; n++) {
            read(0);
        }
        int counter = keyspace.lfuDecayed(db.accessClock(key(0)));
        // With lfu-log-factor 10, 1000 hits give a counter near 18 (Redis's table: 100 hits 10, 1K hits 18).
        assertThat(counter).isBetween(12, 24);
        set("lfu-decay-time", "2");
        advanceSeconds(6 * 60); // three decay periods
        assertThat(keyspace.lfuDecayed(db.accessClock(key(0)))).isEqualTo(counter - 3);
        set("lfu-decay-time", "0");
        assertThat(keyspace.lfuDecayed(db.accessClock(key(0)))).isEqualTo(counter);
    }

    @Test
    void volatileLfuOnlyTouchesKeysWithATtl() throws ConfigException {
        set("maxmemory-policy", "volatile-lfu");
        set("lfu-log-factor", "0");
        load(i -> i >= 5 ? 3_600_000 : 0);
        for (int i = 5; i < KEYS; i++) {
            for (int n = 0; n < KEYS - i; n++) { // key 5 read most, key 9 least
                read(i);
            }
        }
        assertThat(evict(2)).isEqualTo(Evictor.Result.OK);
        assertThat(remaining()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void volatileTtlEvictsTheNearestExpiry() throws ConfigException {
        set("maxmemory-policy", "volatile-ttl");
        load(i -> i == 0 ? 0 : (KEYS - i) * 60_000L); // key 9 expires first, key 0 never
        assertThat(evict(4)).isEqualTo(Evictor.Result.OK);
        assertThat(remaining()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void allkeysRandomEvictsAnyKeys() throws ConfigException {
        set("maxmemory-policy", "allkeys-random");
        load(i -> 0);
        assertThat(evict(4)).isEqualTo(Evictor.Result.OK);
        assertThat(remaining()).hasSize(KEYS - 4);
        assertThat(node.stats().evictedKeys.sum()).isEqualTo(4);
    }

    @Test
    void volatileRandomEvictsOnlyKeysWithATtl() throws ConfigException {
        set("maxmemory-policy", "volatile-random");
        load(i -> i % 2 == 0 ? 3_600_000 : 0);
        assertThat(evict(3)).isEqualTo(Evictor.Result.OK);
        List<Integer> left = remaining();
        assertThat(left).hasSize(KEYS - 3).contains(1, 3, 5, 7, 9);
    }

    @Test
    void volatilePoliciesFailWithoutKeysWithATtl() throws ConfigException {
        for (String policy : List.of("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl")) {
            set("maxmemory", "0");
            set("maxmemory-policy", policy);
            if (db.size() == 0) {
                load(i -> 0);
            }
            assertThat(evict(1)).as(policy).isEqualTo(Evictor.Result.FAIL);
            assertThat(remaining()).as(policy).hasSize(KEYS);
        }
    }

    @Test
    void noevictionNeverEvicts() throws ConfigException {
        load(i -> 0);
        assertThat(evict(5)).isEqualTo(Evictor.Result.FAIL);
        assertThat(remaining()).hasSize(KEYS);
        assertThat(node.stats().evictedKeys.sum()).isZero();
    }

    @Test
    void evictionEmptiesEveryDatabaseWhenTheLimitIsBelowTheNodesOwnFootprint() throws ConfigException {
        set("maxmemory-policy", "allkeys-lru");
        load(i -> 0);
        Db other = keyspace.db(3);
        locked(key(0), () -> {
            other.put(key(0), VALUE);
            return null;
        });
        set("maxmemory", "1");
        assertThat(node.evictor().perform(Long.MAX_VALUE)).isEqualTo(Evictor.Result.FAIL);
        assertThat(db.size() + other.size()).isZero();
        assertThat(node.stats().evictedKeys.sum()).isEqualTo(KEYS + 1);
        // What stays accounted is exactly the emptied slot tables, which the keyspace keeps.
        long tables = 0;
        for (int d = 0; d < keyspace.databaseCount(); d++) {
            for (int slot = 0; slot < io.larder.engine.keyspace.HashSlot.COUNT; slot++) {
                var dict = keyspace.db(d).slot(slot);
                tables += dict == null ? 0 : Footprint.table(dict);
            }
        }
        assertThat(keyspace.dataBytes()).isEqualTo(tables);
    }

    @Test
    void tenacityGivesRedisTimeBudgets() {
        assertThat(Evictor.timeLimitNanos(0)).isZero();
        assertThat(Evictor.timeLimitNanos(10)).isEqualTo(500_000);
        assertThat(Evictor.timeLimitNanos(11)).isEqualTo(575_000);
        assertThat(Evictor.timeLimitNanos(100)).isEqualTo(Long.MAX_VALUE);
    }
}
