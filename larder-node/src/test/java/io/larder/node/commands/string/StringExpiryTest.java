package io.larder.node.commands.string;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.testing.LarderClientTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Expiry set, kept and cleared by the string commands, read back from the keyspace of a running node. */
class StringExpiryTest extends LarderClientTestBase {
    private static final String NIL = "$-1\r\n";

    @Test
    void shortExpiriesRunOut() throws Exception {
        assertThat(call("SET", "px", "v", "PX", "150")).isEqualTo("+OK\r\n");
        assertThat(call("PSETEX", "psetex", "150", "v")).isEqualTo("+OK\r\n");
        assertThat(call("SET", "pxat", "v", "PXAT", String.valueOf(System.currentTimeMillis() + 150)))
                .isEqualTo("+OK\r\n");
        assertThat(call("SET", "ex", "v", "EX", "100")).isEqualTo("+OK\r\n");
        assertThat(call("GET", "px")).isEqualTo("$1\r\nv\r\n");
        assertThat(call("GET", "pxat")).isEqualTo("$1\r\nv\r\n");
        Thread.sleep(250);
        assertThat(call("GET", "px")).isEqualTo(NIL);
        assertThat(call("GET", "psetex")).isEqualTo(NIL);
        assertThat(call("GET", "pxat")).isEqualTo(NIL);
        assertThat(call("GET", "ex")).isEqualTo("$1\r\nv\r\n");
    }

    @Test
    void expireOptionsSetTheRightDeadline() throws Exception {
        long now = System.currentTimeMillis();
        call("SET", "ex", "v", "EX", "100");
        assertThat(expiry("ex")).isCloseTo(now + 100_000, within(2_000L));
        call("SET", "px", "v", "PX", "5000");
        assertThat(expiry("px")).isCloseTo(now + 5_000, within(2_000L));
        long at = now / 1000 + 1000;
        call("SET", "exat", "v", "EXAT", String.valueOf(at));
        assertThat(expiry("exat")).isEqualTo(at * 1000);
        call("SET", "pxat", "v", "PXAT", String.valueOf(now + 123_456));
        assertThat(expiry("pxat")).isEqualTo(now + 123_456);
        call("SETEX", "setex", "100", "v");
        assertThat(expiry("setex")).isCloseTo(now + 100_000, within(2_000L));
    }

    @Test
    void keepttlAndValueChangesKeepOrClearTheTtl() throws Exception {
        long at = System.currentTimeMillis() + 500_000;
        call("SET", "k", "1", "PXAT", String.valueOf(at));
        call("SET", "k", "2", "KEEPTTL");
        assertThat(expiry("k")).isEqualTo(at);
        assertThat(call("INCR", "k")).isEqualTo(":3\r\n");
        assertThat(call("INCRBYFLOAT", "k", "0.5")).isEqualTo("$3\r\n3.5\r\n");
        assertThat(call("APPEND", "k", "0")).isEqualTo(":4\r\n");
        assertThat(call("SETRANGE", "k", "0", "4")).isEqualTo(":4\r\n");
        assertThat(call("SET", "k", "5", "XX", "KEEPTTL", "GET")).isEqualTo("$4\r\n4.50\r\n");
        assertThat(expiry("k")).isEqualTo(at);
        call("SET", "k", "6");
        assertThat(expiry("k")).isZero();

        call("SET", "g", "1", "PXAT", String.valueOf(at));
        assertThat(call("GETSET", "g", "2")).isEqualTo("$1\r\n1\r\n");
        assertThat(expiry("g")).isZero();

        call("SET", "m", "1", "PXAT", String.valueOf(at));
        call("MSET", "m", "2");
        assertThat(expiry("m")).isZero();
    }

    @Test
    void getexChangesOnlyTheTtl() throws Exception {
        long now = System.currentTimeMillis();
        call("SET", "k", "v");
        assertThat(call("GETEX", "k", "PX", "60000")).isEqualTo("$1\r\nv\r\n");
        assertThat(expiry("k")).isCloseTo(now + 60_000, within(2_000L));
        assertThat(call("GETEX", "k", "EXAT", String.valueOf(now / 1000 + 900))).isEqualTo("$1\r\nv\r\n");
        assertThat(expiry("k")).isEqualTo((now / 1000 + 900) * 1000);
        assertThat(call("GETEX", "k")).isEqualTo("$1\r\nv\r\n");
        assertThat(expiry("k")).isEqualTo((now / 1000 + 900) * 1000);
        assertThat(call("GETEX", "k", "PERSIST")).isEqualTo("$1\r\nv\r\n");
        assertThat(expiry("k")).isZero();
        assertThat(call("GETEX", "k", "PXAT", String.valueOf(now - 1))).isEqualTo("$1\r\nv\r\n");
        assertThat(expiry("k")).isEqualTo(-1);
    }

    @Test
    void pastAbsoluteTimesLeaveNoKey() throws Exception {
        assertThat(call("SET", "old", "v", "EXAT", "1")).isEqualTo("+OK\r\n");
        assertThat(expiry("old")).isEqualTo(-1);
        assertThat(call("SET", "old", "v", "PXAT", String.valueOf(System.currentTimeMillis() - 1)))
                .isEqualTo("+OK\r\n");
        assertThat(call("EXISTS", "old")).isEqualTo(":0\r\n");
    }

    private String call(String... args) throws IOException {
        return new String(client.call(args), StandardCharsets.UTF_8);
    }

    /** The key's absolute expiry as the keyspace holds it: 0 for none, -1 for no key. */
    private long expiry(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        Keyspace keyspace = larder.node().keyspace();
        int stripe = Keyspace.stripeOf(k);
        keyspace.lockStripe(stripe);
        try {
            return keyspace.db(0).expiry(k);
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }
}
