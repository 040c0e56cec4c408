package io.larder.node.commands.keyspace;

import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies that depend on time, against a node whose clock only moves when the test says so. The cron's active
 * expiry may run meanwhile, which changes nothing a client can see: an expired key is gone either way.
 */
class ExpiryCommandsTest {
    private ClockedServer larder;
    private RawClient client;

    @BeforeEach
    void start() throws Exception {
        larder = new ClockedServer();
        client = new RawClient(larder.port);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        larder.close();
    }

    private String call(String... args) throws Exception {
        return client.callText(args);
    }

    @Test
    void ttlCountsDownToTheMillisecond() throws Exception {
        call("SET", "k", "v");
        assertThat(call("PEXPIRE", "k", "1500")).isEqualTo(":1\r\n");
        assertThat(call("PTTL", "k")).isEqualTo(":1500\r\n");
        assertThat(call("TTL", "k")).isEqualTo(":2\r\n"); // rounded to the nearest second
        assertThat(call("PEXPIRETIME", "k")).isEqualTo(":" + (larder.now.get() + 1500) + "\r\n");
        assertThat(call("EXPIRETIME", "k")).isEqualTo(":" + (larder.now.get() + 1500) / 1000 + "\r\n");
        larder.advance(1000);
        assertThat(call("PTTL", "k")).isEqualTo(":500\r\n");
        assertThat(call("TTL", "k")).isEqualTo(":1\r\n");
        larder.advance(499);
        assertThat(call("PTTL", "k")).isEqualTo(":1\r\n");
        assertThat(call("TTL", "k")).isEqualTo(":0\r\n");
        assertThat(call("GET", "k")).isEqualTo("$1\r\nv\r\n");
        larder.advance(1);
        assertThat(call("PTTL", "k")).isEqualTo(":-2\r\n");
        assertThat(call("GET", "k")).isEqualTo("$-1\r\n");
        assertThat(larder.node().keyspace().db(0).size()).isZero();
    }

    @Test
    void relativeAndAbsoluteFormsAgree() throws Exception {
        long now = larder.now.get();
        call("SET", "a", "v");
        call("SET", "b", "v");
        call("SET", "c", "v");
        call("SET", "d", "v");
        call("EXPIRE", "a", "100");
        call("PEXPIRE", "b", "100000");
        call("EXPIREAT", "c", String.valueOf(now / 1000 + 100));
        call("PEXPIREAT", "d", String.valueOf(now + 100_000));
        for (String k : new String[] {"a", "b", "d"}) {
            assertThat(call("PEXPIRETIME", k)).isEqualTo(":" + (now + 100_000) + "\r\n");
        }
        assertThat(call("PEXPIRETIME", "c")).isEqualTo(":" + (now / 1000 + 100) * 1000 + "\r\n");
    }

    @Test
    void gtAndLtCompareWithTheExactCurrentExpiry() throws Exception {
        call("SET", "k", "v");
        call("PEXPIRE", "k", "1000");
        assertThat(call("PEXPIRE", "k", "1000", "GT")).isEqualTo(":0\r\n"); // equal is not greater
        assertThat(call("PEXPIRE", "k", "1000", "LT")).isEqualTo(":0\r\n");
        assertThat(call("PEXPIRE", "k", "1001", "GT")).isEqualTo(":1\r\n");
        assertThat(call("PEXPIRE", "k", "1000", "LT")).isEqualTo(":1\r\n");
        larder.advance(10);
        assertThat(call("PEXPIRE", "k", "995", "GT")).isEqualTo(":1\r\n"); // the clock moved: 995 from now is later
        assertThat(call("PTTL", "k")).isEqualTo(":995\r\n");
    }

    @Test
    void expiredKeysAreNeverReturned() throws Exception {
        call("SET", "live", "v");
        for (String k : new String[] {"gone1", "gone2", "gone3", "gone4", "gone5", "gone6", "gone7", "gone8"}) {
            call("SET", k, "v");
            call("PEXPIRE", k, "5");
        }
        larder.advance(5);
        assertThat(call("KEYS", "*")).isEqualTo("*1\r\n$4\r\nlive\r\n");
        assertThat(call("KEYS", "gone*")).isEqualTo("*0\r\n");
        assertThat(call("SCAN", "0", "COUNT", "1000")).isEqualTo("*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n");
        assertThat(call("RANDOMKEY")).isEqualTo("$4\r\nlive\r\n");
        assertThat(call("EXISTS", "gone1", "live")).isEqualTo(":1\r\n");
        assertThat(call("TYPE", "gone2")).isEqualTo("+none\r\n");
        assertThat(call("OBJECT", "ENCODING", "gone3")).isEqualTo("$-1\r\n");
        assertThat(call("RENAME", "gone4", "x")).isEqualTo("-ERR no such key\r\n");
        assertThat(call("COPY", "gone5", "x")).isEqualTo(":0\r\n");
        assertThat(call("MOVE", "gone6", "1")).isEqualTo(":0\r\n");
        assertThat(call("TOUCH", "gone7")).isEqualTo(":0\r\n");
        assertThat(call("PERSIST", "gone8")).isEqualTo(":0\r\n");
        assertThat(call("EXPIRE", "gone8", "100")).isEqualTo(":0\r\n");
        assertThat(larder.node().keyspace().db(0).size()).isEqualTo(1);
        assertThat(larder.node().keyspace().db(1).size()).isZero();
    }

    @Test
    void renameCopyAndMoveCarryTheExactExpiry() throws Exception {
        call("SET", "k", "v");
        call("PEXPIRE", "k", "123456");
        assertThat(call("RENAME", "k", "r")).isEqualTo("+OK\r\n");
        assertThat(call("PTTL", "r")).isEqualTo(":123456\r\n");
        assertThat(call("COPY", "r", "c")).isEqualTo(":1\r\n");
        assertThat(call("PTTL", "c")).isEqualTo(":123456\r\n");
        assertThat(call("MOVE", "c", "2")).isEqualTo(":1\r\n");
        call("SELECT", "2");
        assertThat(call("PTTL", "c")).isEqualTo(":123456\r\n");
        assertThat(call("COPY", "c", "r", "DB", "0", "REPLACE")).isEqualTo(":1\r\n");
        call("SELECT", "0");
        call("SET", "p", "persistent");
        assertThat(call("COPY", "p", "r", "REPLACE")).isEqualTo(":1\r\n");
        assertThat(call("PTTL", "r")).isEqualTo(":-1\r\n"); // the destination's TTL does not survive
        larder.advance(123456);
        call("SELECT", "2");
        assertThat(call("EXISTS", "c")).isEqualTo(":0\r\n");
    }

    @Test
    void idleTimeFollowsTheAccessClock() throws Exception {
        call("SET", "k", "v");
        larder.advance(5_000);
        assertThat(call("OBJECT", "IDLETIME", "k")).isEqualTo(":5\r\n");
        // Commands that do not count as an access
        call("TYPE", "k");
        call("TTL", "k");
        call("EXISTS", "k");
        call("OBJECT", "ENCODING", "k");
        call("SCAN", "0");
        call("KEYS", "*");
        larder.advance(2_000);
        assertThat(call("OBJECT", "IDLETIME", "k")).isEqualTo(":7\r\n");
        call("GET", "k");
        assertThat(call("OBJECT", "IDLETIME", "k")).isEqualTo(":0\r\n");
        larder.advance(3_000);
        assertThat(call("TOUCH", "k", "nosuch")).isEqualTo(":1\r\n");
        assertThat(call("OBJECT", "IDLETIME", "k")).isEqualTo(":0\r\n");
        larder.advance(1_000);
        call("RENAME", "k", "k2");
        assertThat(call("OBJECT", "IDLETIME", "k2")).isEqualTo(":0\r\n");
    }

    @Test
    void noTouchClientsReadWithoutUpdatingTheAccessClock() throws Exception {
        call("SET", "nt", "v");
        larder.advance(4_000);
        assertThat(call("CLIENT", "NO-TOUCH", "ON")).isEqualTo("+OK\r\n");
        call("GET", "nt");
        call("STRLEN", "nt");
        assertThat(call("OBJECT", "IDLETIME", "nt")).isEqualTo(":4\r\n");
        assertThat(call("TOUCH", "nt")).isEqualTo(":1\r\n"); // TOUCH still touches, as in Redis 7.2
        assertThat(call("OBJECT", "IDLETIME", "nt")).isEqualTo(":0\r\n");
        larder.advance(2_000);
        assertThat(call("CLIENT", "NO-TOUCH", "OFF")).isEqualTo("+OK\r\n");
        call("GET", "nt");
        assertThat(call("OBJECT", "IDLETIME", "nt")).isEqualTo(":0\r\n");
    }

    @Test
    void lfuPolicyChangesWhatObjectReports() throws Exception {
        call("SET", "k", "v");
        larder.node().config().find("maxmemory-policy").set("allkeys-lfu");
        assertThat(call("OBJECT", "IDLETIME", "k"))
                .startsWith("-ERR An LFU maxmemory policy is selected, idle time not tracked.");
        assertThat(call("OBJECT", "IDLETIME", "nosuch")).isEqualTo("$-1\r\n");
        call("SET", "n", "5");
        assertThat(call("OBJECT", "REFCOUNT", "n")).isEqualTo(":2147483647\r\n"); // no maxmemory: still shared
        larder.node().config().find("maxmemory").set("100mb");
        assertThat(call("OBJECT", "REFCOUNT", "n")).isEqualTo(":1\r\n");
    }
}
