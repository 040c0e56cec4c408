package io.larder.memcached.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class StoreTest {
    /** A clock the test moves by hand. */
    static final class ManualClock implements McClock {
        final AtomicInteger now = new AtomicInteger(100);

        @Override
        public int now() {
            return now.get();
        }

        @Override
        public long processStarted() {
            return 1_700_000_000L;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Store store(McClock clock, long maxBytes, boolean evict) {
        return new Store(clock, maxBytes, 1024 * 1024, true, evict);
    }

    @Test
    void bytesAreAccountedAsMemcachedReportsThem() {
        Store s = store(new ManualClock(), 64L << 20, true);
        s.store(Store.Mode.SET, b("k"), 0, 0, b("a"), 0, false);
        assertThat(s.usedBytes()).isEqualTo(61);
        s.store(Store.Mode.SET, b("k"), 1, 0, b("a"), 0, false);
        assertThat(s.usedBytes()).isEqualTo(65);
        s.store(Store.Mode.SET, b("kk"), 0, 0, b("0123456789"), 0, false);
        assertThat(s.usedBytes()).isEqualTo(136);
        assertThat(s.currItems()).isEqualTo(2);
        s.delete(b("k"), 0);
        assertThat(s.usedBytes()).isEqualTo(71);
        assertThat(new Store(new ManualClock(), 1 << 20, 1024, false, true).fits(1, 0, 1)).isTrue();
        assertThat(s.fits(10, 0, 1024 * 1024)).isFalse();
    }

    @Test
    void expiryIsRelativeUpToThirtyDaysThenAbsolute() {
        ManualClock clock = new ManualClock();
        Store s = store(clock, 64L << 20, true);
        s.store(Store.Mode.SET, b("rel"), 0, clock.expiry(10), b("v"), 0, false);
        s.store(Store.Mode.SET, b("abs"), 0, clock.expiry(clock.processStarted() + clock.now() + 20), b("v"), 0, false);
        s.store(Store.Mode.SET, b("old"), 0, clock.expiry(1_000_000_000L), b("v"), 0, false);
        s.store(Store.Mode.SET, b("neg"), 0, clock.expiry(-1), b("v"), 0, false);
        assertThat(s.get(b("old"))).isNull();
        assertThat(s.get(b("neg"))).isNull();
        clock.now.addAndGet(9);
        assertThat(s.get(b("rel"))).isNotNull();
        clock.now.addAndGet(1);
        assertThat(s.get(b("rel"))).isNull();
        assertThat(s.get(b("abs"))).isNotNull();
        clock.now.addAndGet(10);
        assertThat(s.get(b("abs"))).isNull();
        assertThat(s.currItems()).isZero();
    }

    @Test
    void delayedFlushInvalidatesItemsAtTheDeadline() {
        ManualClock clock = new ManualClock();
        Store s = store(clock, 64L << 20, true);
        s.store(Store.Mode.SET, b("a"), 0, 0, b("v"), 0, false);
        s.flushAll(5);
        // memcached's oldest_live is the deadline minus one second: from then on older items are gone.
        clock.now.addAndGet(3);
        assertThat(s.get(b("a"))).isNotNull();
        clock.now.addAndGet(1);
        assertThat(s.get(b("a"))).isNull();
        // As in memcached, an item written within that very second counts as older; later ones live.
        clock.now.addAndGet(1);
        s.store(Store.Mode.SET, b("b"), 0, 0, b("v"), 0, false);
        assertThat(s.get(b("b"))).isNotNull();
    }

    @Test
    void theLeastRecentlyUsedItemsAreEvictedAtTheLimit() {
        // One stripe's worth: keys chosen to land in one stripe keep the order exact.
        Store s = store(new ManualClock(), 10_000, true);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; keys.size() < 200; i++) {
            byte[] k = b("key" + i);
            if ((Store.hash(k) >>> 24) == 7) {
                keys.add(k);
            }
        }
        byte[] value = new byte[100];
        for (byte[] k : keys) {
            assertThat(s.store(Store.Mode.SET, k, 0, 0, value, 0, false).status()).isEqualTo(Store.Status.STORED);
            s.get(keys.getFirst());
        }
        assertThat(s.usedBytes()).isLessThanOrEqualTo(10_000);
        assertThat(s.evictions()).isPositive();
        assertThat(s.get(keys.getFirst())).as("kept alive by reads").isNotNull();
        assertThat(s.get(keys.get(1))).as("least recently used").isNull();
        assertThat(s.get(keys.getLast())).isNotNull();
    }

    @Test
    void withoutEvictionsAFullStoreRefuses() {
        Store s = store(new ManualClock(), 2_000, false);
        Store.Status last = Store.Status.STORED;
        for (int i = 0; i < 100 && last == Store.Status.STORED; i++) {
            last = s.store(Store.Mode.SET, b("k" + i), 0, 0, new byte[100], 0, false).status();
        }
        assertThat(last).isEqualTo(Store.Status.NO_MEMORY);
        assertThat(s.evictions()).isZero();
        assertThat(s.usedBytes()).isLessThanOrEqualTo(2_000);
    }

    @Test
    void casUniquesAreUniqueAcrossThreads() throws Exception {
        Store s = store(new ManualClock(), 64L << 20, true);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5000; i++) {
                    seen.add(s.store(Store.Mode.SET, b("k" + (i % 50) + "-" + id), 0, 0, b("v"), 0, false).cas());
                    s.delta(b("counter"), true, 1, 0, true, 0, 0, Store.KEEP_EXPIRY);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(seen).hasSize(20_000);
        // The first delta on the missing counter created it with 0; every other one added 1.
        assertThat(new String(s.get(b("counter")).value(), StandardCharsets.US_ASCII).strip()).isEqualTo("19999");
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            distinct.add(new String(s.get(b("k" + i + "-0")).value(), StandardCharsets.US_ASCII));
        }
        assertThat(distinct).containsOnly("v");
    }

    @Test
    void numbersParseLikeMemcached() {
        assertThat(Ascii.strtoull(b("18446744073709551615"), 0, 20)).isEqualTo(-1L);
        assertThat(Ascii.strtoull(b("18446744073709551616"), 0, 20)).isEqualTo(Ascii.INVALID);
        assertThat(Ascii.strtoull(b("-1"), 0, 2)).isEqualTo(Ascii.INVALID);
        assertThat(Ascii.strtoull(b(" 12 "), 0, 4)).isEqualTo(12);
        assertThat(Ascii.strtoull(b("12a"), 0, 3)).isEqualTo(Ascii.INVALID);
        assertThat(Ascii.strtoul(b("4294967296"), 0, 10)).isZero();
        assertThat(Ascii.strtol(b("4000000000"), 0, 10)).isEqualTo(-294967296);
        assertThat(Ascii.strtol(b(""), 0, 0)).isEqualTo(Ascii.INVALID);
    }

    @Test
    void slabClassesFollowMemcached() {
        SlabClasses c = new SlabClasses(48, 1.25, 512 * 1024);
        assertThat(c.size(1)).isEqualTo(96);
        assertThat(c.size(2)).isEqualTo(120);
        assertThat(c.size(c.largest())).isEqualTo(512 * 1024);
        assertThat(c.classOf(61)).isEqualTo(1);
        assertThat(c.classOf(97)).isEqualTo(2);
    }
}
