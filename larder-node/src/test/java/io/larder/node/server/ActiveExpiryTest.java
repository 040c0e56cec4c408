package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.node.config.ServerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The active expire cycle with a clock the test moves, one tick at a time, without sleeping. */
class ActiveExpiryTest {
    /** What one tick may examine when few keys expire: the minimum samples plus one lock's overshoot each. */
    private static final long CALM_TICK_LIMIT =
            (long) ActiveExpiry.MIN_SAMPLES * (ActiveExpiry.SAMPLE_KEYS + ActiveExpiry.CELLS_PER_LOCK);

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private Node node;
    private Keyspace keyspace;
    private ActiveExpiry expiry;

    @BeforeEach
    void setUp() {
        node = new Node(new ServerConfig(), now::get);
        keyspace = node.keyspace();
        expiry = new ActiveExpiry(keyspace);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long farDeadline() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    private void put(int db, String key, long ttlMillis) {
        keyspace.db(db).put(b(key), b("v"), ttlMillis == 0 ? 0 : now.get() + ttlMillis, false);
    }

    @Test
    void deletesExpiredKeysThatNobodyTouches() {
        for (int i = 0; i < 5000; i++) {
            put(0, "ttl" + i, 1000);
            put(3, "ttl" + i, 1000);
            put(0, "keep" + i, 0);
        }
        ActiveExpiry.Tick before = expiry.run(farDeadline());
        assertThat(before.expired()).isZero();
        now.addAndGet(1000);
        long expired = 0;
        for (int tick = 0; tick < 5 && keyspace.db(0).size() + keyspace.db(3).size() > 5000; tick++) {
            expired += expiry.run(farDeadline()).expired();
        }
        assertThat(expired).isEqualTo(10_000);
        assertThat(keyspace.db(0).size()).isEqualTo(5000);
        assertThat(keyspace.db(3).size()).isZero();
        assertThat(keyspace.db(0).volatileSize()).isZero();
        assertThat(node.stats().expiredKeys.sum()).isEqualTo(10_000);
    }

    @Test
    void aCalmTickIsBoundedWhenFewKeysExpire() {
        for (int i = 0; i < 20_000; i++) {
            put(0, "k" + i, i < 200 ? 10 : 1_000_000); // 1% expire soon
        }
        now.addAndGet(10);
        ActiveExpiry.Tick tick = expiry.run(farDeadline());
        assertThat(tick.examined()).isLessThanOrEqualTo(CALM_TICK_LIMIT);
        assertThat(tick.examined()).isGreaterThanOrEqualTo((long) ActiveExpiry.MIN_SAMPLES * ActiveExpiry.SAMPLE_KEYS);
        // Successive ticks continue where the last stopped, so the few stale keys all go within one pass.
        long ticksForOnePass = 20_000 / (ActiveExpiry.MIN_SAMPLES * ActiveExpiry.SAMPLE_KEYS) + 2;
        for (long t = 0; t < ticksForOnePass; t++) {
            expiry.run(farDeadline());
        }
        assertThat(keyspace.db(0).size()).isEqualTo(19_800);
    }

    @Test
    void worksHarderWhenManyKeysExpire() {
        for (int i = 0; i < 20_000; i++) {
            put(0, "k" + i, i % 2 == 0 ? 10 : 0); // half expire
        }
        now.addAndGet(10);
        ActiveExpiry.Tick tick = expiry.run(farDeadline());
        // Samples keep coming while more than 10% of each was stale: one tick clears (nearly) all of them.
        assertThat(tick.examined()).isGreaterThan(CALM_TICK_LIMIT);
        assertThat(tick.expired()).isGreaterThan(9_000);
    }

    @Test
    void theDeadlineBoundsABusyTick() {
        for (int i = 0; i < 20_000; i++) {
            put(0, "k" + i, 10);
        }
        now.addAndGet(10);
        ActiveExpiry.Tick tick = expiry.run(System.nanoTime() - 1); // already past: one sample only
        assertThat(tick.examined()).isLessThanOrEqualTo(ActiveExpiry.SAMPLE_KEYS + ActiveExpiry.CELLS_PER_LOCK);
        assertThat(tick.expired()).isPositive();
    }

    @Test
    void anEmptyKeyspaceCostsOnePassOverTheStripeCounters() {
        ActiveExpiry.Tick tick = expiry.run(farDeadline());
        assertThat(tick.examined()).isZero();
        put(7, "late", 5);
        now.addAndGet(5);
        assertThat(expiry.run(farDeadline()).expired()).isEqualTo(1);
        Db db7 = keyspace.db(7);
        assertThat(db7.size()).isZero();
    }

    @Test
    void aBigTableOfPersistentKeysDoesNotStallATick() {
        for (int i = 0; i < 100_000; i++) {
            put(0, "{one}" + i, i == 99_999 ? 5 : 0); // one slot, one key with a TTL somewhere in it
        }
        now.addAndGet(5);
        ActiveExpiry.Tick tick = expiry.run(farDeadline());
        assertThat(tick.expired()).isLessThanOrEqualTo(1);
        // Ticks resume where they stopped: the key goes within one pass over the table's cells.
        long ticksForOnePass = 2 * 131_072 / ActiveExpiry.CELLS_PER_SAMPLE + 2;
        long expired = tick.expired();
        for (long t = 0; t < ticksForOnePass && expired == 0; t++) {
            expired += expiry.run(farDeadline()).expired();
        }
        assertThat(expired).isEqualTo(1);
        assertThat(keyspace.db(0).size()).isEqualTo(99_999);
    }

    @Test
    void keysThatExpireLaterSurviveATick() {
        put(0, "soon", 10);
        put(0, "later", 20);
        now.addAndGet(10);
        expiry.run(farDeadline());
        assertThat(keyspace.db(0).size()).isEqualTo(1);
        assertThat(keyspace.db(0).exists(b("later"))).isTrue();
        now.addAndGet(10);
        expiry.run(farDeadline());
        assertThat(keyspace.db(0).size()).isZero();
    }
}
