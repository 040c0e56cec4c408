package io.larder.node.memory;

import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.memory.Footprint;
import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incremental accounting must not drift: after a seeded random mix of write commands of every type (small
 * collections, which are priced exactly), every key's recorded cost equals a fresh pricing of its value, and the
 * keyspace's total equals the sum over tables and keys.
 */
class AccountingDriftTest extends LarderTestBase {
    private static final String[] MEMBERS = {"a", "b", "c", "d", "e", "f", "10", "20", "300", "longer-member-x"};

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private static String member(Random r) {
        return MEMBERS[r.nextInt(MEMBERS.length)];
    }

    private static final List<Function<Random, String[]>> COMMANDS = List.of(
            r -> new String[]{"SET", pick(r, "s1", "s2", "s3"), "v".repeat(r.nextInt(100))},
            r -> new String[]{"APPEND", pick(r, "s1", "s2", "s3"), "w".repeat(r.nextInt(50))},
            r -> new String[]{"SETRANGE", pick(r, "s1", "s2"), Integer.toString(r.nextInt(200)), "xyz"},
            r -> new String[]{"INCRBY", pick(r, "n1", "n2"), Integer.toString(r.nextInt(1000))},
            r -> new String[]{"INCRBYFLOAT", pick(r, "n2", "n3"), "1.5"},
            r -> new String[]{"SETBIT", pick(r, "b1", "b2"), Integer.toString(r.nextInt(2000)), "1"},
            r -> new String[]{"GETDEL", pick(r, "s1", "s2", "s3")},
            r -> new String[]{"HSET", pick(r, "h1", "h2"), member(r), "v".repeat(r.nextInt(80))},
            r -> new String[]{"HDEL", pick(r, "h1", "h2"), member(r)},
            r -> new String[]{"HINCRBY", pick(r, "h1", "h2"), "counter", "7"},
            r -> new String[]{"SADD", pick(r, "t1", "t2", "t3"), member(r), member(r)},
            r -> new String[]{"SREM", pick(r, "t1", "t2", "t3"), member(r)},
            r -> new String[]{"SMOVE", pick(r, "t1", "t2"), pick(r, "t2", "t3"), member(r)},
            r -> new String[]{"SINTERSTORE", "t4", "t1", "t2"},
            r -> new String[]{"SPOP", pick(r, "t1", "t2", "t3")},
            r -> new String[]{"ZADD", pick(r, "z1", "z2"), Integer.toString(r.nextInt(100)), member(r)},
            r -> new String[]{"ZINCRBY", pick(r, "z1", "z2"), "2.5", member(r)},
            r -> new String[]{"ZPOPMIN", pick(r, "z1", "z2")},
            r -> new String[]{"ZUNIONSTORE", "z3", "2", "z1", "z2"},
            r -> new String[]{"RPUSH", pick(r, "l1", "l2"), member(r), "v".repeat(r.nextInt(40))},
            r -> new String[]{"LPOP", pick(r, "l1", "l2")},
            r -> new String[]{"LSET", pick(r, "l1", "l2"), "0", "set-" + member(r)},
            r -> new String[]{"LTRIM", pick(r, "l1", "l2"), "0", Integer.toString(r.nextInt(12))},
            r -> new String[]{"LMOVE", pick(r, "l1", "l2"), pick(r, "l2", "l3"), "LEFT", "RIGHT"},
            r -> new String[]{"LINSERT", pick(r, "l1", "l2"), "BEFORE", member(r), "inserted"},
            r -> new String[]{"PFADD", pick(r, "p1", "p2"), member(r) + r.nextInt(10_000)},
            r -> new String[]{"EXPIRE", pick(r, "s1", "h1", "t1", "z1", "l1"), "1000"},
            r -> new String[]{"PERSIST", pick(r, "s1", "h1", "t1", "z1", "l1")},
            r -> new String[]{"COPY", pick(r, "h1", "t1", "z1", "l1", "s1"), "copy", "REPLACE"},
            r -> new String[]{"RENAME", pick(r, "copy", "s3"), pick(r, "renamed", "s3")},
            r -> new String[]{"MOVE", pick(r, "renamed", "copy"), "1"},
            r -> new String[]{"SORT", pick(r, "l1", "t1"), "ALPHA", "STORE", "sorted"},
            r -> new String[]{"DEL", pick(r, "s1", "h2", "t3", "z2", "l2", "sorted")}
    );

    @Test
    void recordedCostsMatchAFreshPricingAfterARandomWorkload() throws Exception {
        Random random = new Random(0xACC0);
        try (RawClient c = new RawClient(larder.port()); RawClient blocked = new RawClient(larder.port())) {
            c.call("FLUSHALL");
            for (int i = 0; i < 6000; i++) {
                String[] command = COMMANDS.get(random.nextInt(COMMANDS.size())).apply(random);
                assertThat(new String(c.call(command))).as(String.join(" ", command)).doesNotContain("internal error");
                if (i % 500 == 0) {
                    // A blocked client served by a push writes its destination outside its own command.
                    blocked.sendRaw(RawClient.encode("BLMOVE".getBytes(), "bsrc".getBytes(), "bdst".getBytes(),
                            "LEFT".getBytes(), "RIGHT".getBytes(), "0".getBytes()));
                    for (int wait = 0; !c.callText("INFO", "clients").contains("blocked_clients:1"); wait++) {
                        if (wait == 200) {
                            throw new AssertionError("not blocked at " + i + ": " + c.callText("CLIENT", "LIST")
                                    + new String(blocked.readReply()));
                        }
                        Thread.sleep(5);
                    }
                    c.call("RPUSH", "bsrc", "served-" + i);
                    assertThat(new String(blocked.readReply())).contains("served-" + i);
                }
            }
            assertNoDrift();
        }
    }

    private void assertNoDrift() {
        Keyspace keyspace = larder.node().keyspace();
        keyspace.lockAll();
        try {
            long total = 0;
            List<String> wrong = new ArrayList<>();
            for (int d = 0; d < keyspace.databaseCount(); d++) {
                for (int slot = 0; slot < HashSlot.COUNT; slot++) {
                    Dict dict = keyspace.db(d).slot(slot);
                    if (dict == null) {
                        continue;
                    }
                    total += Footprint.table(dict);
                    int db = d;
                    long[] sum = {0};
                    dict.forEach((t, cell) -> {
                        long recorded = t.costAt(cell);
                        long fresh = Footprint.entry(t.keyAt(cell), t.valueAt(cell), new Random(1));
                        if (recorded != fresh) {
                            wrong.add("db" + db + " " + new String(t.keyAt(cell)) + ": recorded " + recorded
                                    + ", costs " + fresh);
                        }
                        sum[0] += recorded;
                        return true;
                    });
                    total += sum[0];
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(keyspace.dataBytes()).isEqualTo(total);
        } finally {
            keyspace.unlockAll();
        }
    }
}
