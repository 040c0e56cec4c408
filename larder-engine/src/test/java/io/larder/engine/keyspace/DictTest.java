package io.larder.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DictTest {

    private static byte[] key(int n) {
        return ("k" + n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Hashes crowded at the top of the table, so that runs wrap around past the last cell. */
    private static int crowdedHash(int n) {
        return -1 - (n % 5);
    }

    /** One operation of a random workload over a small key space; hashes come from a chosen function. */
    record Op(boolean insert, int key, int ttl) {
    }

    /** Random workloads over 200 keys, 60% inserts (with a TTL of 0..3) and 40% removals, from fixed seeds. */
    private static List<Op> workload(long seed) {
        Random random = new Random(seed);
        int length = 1 + random.nextInt(600);
        List<Op> ops = new ArrayList<>(length);
        for (int n = 0; n < length; n++) {
            ops.add(new Op(random.nextInt(100) < 60, random.nextInt(200), random.nextInt(4)));
        }
        return ops;
    }

    @Test
    void behavesLikeAHashMapWithCrowdedHashes() {
        for (long seed = 0; seed < 80; seed++) {
            runAgainstModel(workload(seed), DictTest::crowdedHash);
        }
    }

    @Test
    void behavesLikeAHashMapWithSpreadHashes() {
        for (long seed = 1000; seed < 1080; seed++) {
            runAgainstModel(workload(seed), n -> n * 0x9E3779B9);
        }
    }

    private static void runAgainstModel(List<Op> ops, java.util.function.IntUnaryOperator hashOf) {
        Dict dict = new Dict();
        Map<Integer, Integer> model = new HashMap<>();
        Map<Integer, Long> expiries = new HashMap<>();
        for (Op op : ops) {
            byte[] k = key(op.key());
            int hash = hashOf.applyAsInt(op.key());
            int i = dict.find(k, hash);
            assertThat(i >= 0).isEqualTo(model.containsKey(op.key()));
            if (op.insert()) {
                if (i < 0) {
                    i = dict.insert(k, hash, op.key() * 10, 0);
                } else {
                    dict.setValueAt(i, op.key() * 10);
                }
                dict.setExpiryAt(i, op.ttl());
                model.put(op.key(), op.key() * 10);
                if (op.ttl() == 0) {
                    expiries.remove(op.key());
                } else {
                    expiries.put(op.key(), (long) op.ttl());
                }
            } else if (i >= 0) {
                dict.removeAt(i);
                model.remove(op.key());
                expiries.remove(op.key());
            }
            checkInvariants(dict, model, expiries, hashOf);
        }
    }

    private static void checkInvariants(Dict dict, Map<Integer, Integer> model, Map<Integer, Long> expiries,
                                        java.util.function.IntUnaryOperator hashOf) {
        assertThat(dict.size()).isEqualTo(model.size());
        assertThat(dict.volatileCount()).isEqualTo(expiries.size());
        for (Map.Entry<Integer, Integer> e : model.entrySet()) {
            int i = dict.find(key(e.getKey()), hashOf.applyAsInt(e.getKey()));
            assertThat(i).as("key %s", e.getKey()).isNotNegative();
            assertThat(dict.valueAt(i)).isEqualTo(e.getValue());
            assertThat(dict.expiryAt(i)).isEqualTo(expiries.getOrDefault(e.getKey(), 0L));
        }
        // Linear probing invariant: no empty cell between a key's home bucket and its cell. occupiedRun[i] is
        // the number of occupied cells ending at cell i, going round the end of the table.
        int mask = dict.capacity() - 1;
        int[] occupiedRun = new int[mask + 1];
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i <= mask; i++) {
                occupiedRun[i] = dict.keyAt(i) == null ? 0 : Math.min(mask + 1, occupiedRun[(i - 1) & mask] + 1);
            }
        }
        for (int i = 0; i <= mask; i++) {
            if (dict.keyAt(i) != null) {
                String name = new String(dict.keyAt(i), StandardCharsets.US_ASCII);
                int home = hashOf.applyAsInt(Integer.parseInt(name.substring(1))) & mask;
                assertThat(((i - home) & mask) + 1).as("cell %d, home %d", i, home).isLessThanOrEqualTo(occupiedRun[i]);
            }
        }
        // Load stays between the shrink and grow thresholds.
        assertThat(dict.size() * 4).isLessThanOrEqualTo(dict.capacity() * 3);
    }

    @Test
    void backwardShiftAcrossTheEndOfTheTable() {
        Dict dict = new Dict();
        for (int n = 0; n < 6; n++) {
            dict.insert(key(n), 7, n, 0); // home 7 in a table of 8: cells 7, 0, 1, 2, 3, 4
        }
        assertThat(dict.capacity()).isEqualTo(8);
        byte[] atEnd = dict.keyAt(7);
        byte[] wrapped = dict.keyAt(0);
        assertThat(dict.keyAt(4)).isNotNull();
        assertThat(dict.keyAt(5)).isNull();
        dict.removeAt(7);
        // The entry that wrapped to cell 0 moves back to its home across the end of the table.
        assertThat(dict.keyAt(7)).isEqualTo(wrapped);
        assertThat(dict.keyAt(4)).isNull();
        assertThat(dict.find(atEnd, 7)).isEqualTo(-1);
        for (int n = 0; n < 6; n++) {
            if (!java.util.Arrays.equals(key(n), atEnd)) {
                assertThat(dict.valueAt(dict.find(key(n), 7))).isEqualTo(n);
            }
        }
        // An entry at home in the wrapped region must not move behind its home.
        Dict mixed = new Dict();
        mixed.insert(key(10), 6, 10, 0);
        mixed.insert(key(11), 6, 11, 0);
        mixed.insert(key(12), 0, 12, 0);
        mixed.insert(key(13), 6, 13, 0); // grows to 8 first: cells 6, 7, 0 (at home), 1
        assertThat(mixed.capacity()).isEqualTo(8);
        assertThat(mixed.find(key(13), 6)).isEqualTo(1);
        mixed.removeAt(mixed.find(key(11), 6));
        assertThat(mixed.find(key(12), 0)).isEqualTo(0);
        assertThat(mixed.find(key(13), 6)).isEqualTo(7);
        assertThat(mixed.keyAt(1)).isNull();
    }

    @Test
    void growsAndShrinks() {
        Dict dict = new Dict();
        for (int n = 0; n < 10_000; n++) {
            dict.insert(key(n), n * 31, n, 0);
        }
        assertThat(dict.capacity()).isEqualTo(16384);
        for (int n = 0; n < 9_990; n++) {
            dict.removeAt(dict.find(key(n), n * 31));
        }
        assertThat(dict.capacity()).isLessThanOrEqualTo(64);
        for (int n = 9_990; n < 10_000; n++) {
            assertThat(dict.valueAt(dict.find(key(n), n * 31))).isEqualTo(n);
        }
    }

    @Test
    void expiryArrayIsDroppedOnResizeWhenNoKeyHasATtl() {
        Dict dict = new Dict();
        int i = dict.insert(key(1), 1, "v", 0);
        dict.setExpiryAt(i, 123);
        dict.setExpiryAt(i, 0);
        assertThat(dict.volatileCount()).isZero();
        for (int n = 2; n < 40; n++) {
            dict.insert(key(n), n, "v", 0);
        }
        assertThat(dict.expiryAt(dict.find(key(1), 1))).isZero();
        int j = dict.find(key(5), 5);
        dict.setExpiryAt(j, 99);
        assertThat(dict.volatileCount()).isEqualTo(1);
        assertThat(dict.expiryAt(dict.find(key(5), 5))).isEqualTo(99);
    }

    /**
     * Redis's SCAN guarantee on one table: every key present from the first call to the last is returned,
     * while keys are added and removed between calls and the table grows and shrinks several times.
     */
    @Test
    void scanReturnsEveryKeyPresentThroughoutAcrossResizes() {
        Random random = new Random(42);
        int maxCapacitiesSeen = 0;
        for (int round = 0; round < 30; round++) {
            Set<Integer> capacities = new HashSet<>();
            Dict dict = new Dict();
            Map<Integer, Integer> hashes = new HashMap<>();
            List<Integer> present = new ArrayList<>();
            int next = 0;
            int initial = 1 + random.nextInt(3000);
            for (; next < initial; next++) {
                hashes.put(next, random.nextInt());
                dict.insert(key(next), hashes.get(next), next, 0);
                present.add(next);
            }
            Set<Integer> throughout = new HashSet<>(present);
            Set<Integer> returned = new HashSet<>();
            long cursor = 0;
            int calls = 0;
            do {
                cursor = dict.scan(cursor, (d, i) -> {
                    String name = new String(d.keyAt(i), StandardCharsets.US_ASCII);
                    returned.add(Integer.parseInt(name.substring(1)));
                    return true;
                });
                calls++;
                capacities.add(dict.capacity());
                // Between calls: bursts of inserts (growth) or removals (shrinking).
                boolean grow = (calls / 20) % 2 == 0;
                int changes = random.nextInt(60);
                for (int c = 0; c < changes; c++) {
                    if (grow || present.isEmpty()) {
                        hashes.put(next, random.nextInt());
                        dict.insert(key(next), hashes.get(next), next, 0);
                        present.add(next++);
                    } else {
                        int at = random.nextInt(present.size());
                        int victim = present.get(at);
                        present.set(at, present.get(present.size() - 1));
                        present.remove(present.size() - 1);
                        dict.removeAt(dict.find(key(victim), hashes.get(victim)));
                        throughout.remove(victim);
                    }
                }
            } while (cursor != 0 && calls < 1_000_000);
            assertThat(cursor).isZero();
            assertThat(returned).containsAll(throughout);
            maxCapacitiesSeen = Math.max(maxCapacitiesSeen, capacities.size());
        }
        assertThat(maxCapacitiesSeen).as("table sizes one iteration went through").isGreaterThanOrEqualTo(4);
    }
}
