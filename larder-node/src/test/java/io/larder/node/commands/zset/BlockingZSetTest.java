package io.larder.node.commands.zset;

import io.larder.node.testing.BlockingSession;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static io.larder.node.testing.BlockingSession.bytes;
import static io.larder.node.testing.BlockingSession.send;
import static io.larder.node.testing.BlockingSession.sideBySide;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP while they wait, each scenario run against redis-server and Larder side by side
 * (equal transcripts), each asserting what Redis's rules say it must contain.
 */
class BlockingZSetTest extends OracleTestBase {
    private static final String NULL_ARRAY = "*-1\r\n";

    @Test
    void clientsAreServedInTheOrderTheyBlockedAndOneZaddServesSeveral() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            RawClient c = s.client();
            s.block(a, 1, "BZPOPMIN", "z", "0");
            s.block(b, 2, "BZPOPMAX", "z", "0");
            s.block(c, 3, "BZPOPMIN", "z", "0");
            assertThat(s.call("ZADD", "z", "1", "x", "2.5", "y", "3", "w")).isEqualTo(":3\r\n");
            assertThat(s.read(a)).isEqualTo("*3\r\n$1\r\nz\r\n$1\r\nx\r\n$1\r\n1\r\n");
            assertThat(s.read(b)).isEqualTo("*3\r\n$1\r\nz\r\n$1\r\nw\r\n$1\r\n3\r\n");
            assertThat(s.read(c)).isEqualTo("*3\r\n$1\r\nz\r\n$1\r\ny\r\n$3\r\n2.5\r\n");
            s.awaitBlocked(0);
            assertThat(s.call("EXISTS", "z")).isEqualTo(":0\r\n");
        });
    }

    @Test
    void aClientBlockedOnSeveralKeysIsServedFromTheKeyThatGotData() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            s.block(a, 1, "BZPOPMIN", "k1", "k2", "k3", "0");
            s.block(b, 2, "BZMPOP", "0", "2", "k3", "k2", "MAX", "COUNT", "2");
            s.expect72("total_blocking_keys", 3);
            s.call("ZADD", "k2", "1", "a", "2", "b", "3", "c", "4", "d");
            assertThat(s.read(a)).isEqualTo("*3\r\n$2\r\nk2\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(s.read(b)).isEqualTo("*2\r\n$2\r\nk2\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
            s.awaitBlocked(0);
            s.expect72("total_blocking_keys", 0);
            s.call("ZRANGE", "k2", "0", "-1", "WITHSCORES");
        });
    }

    @Test
    void writesThatCreateTheKeyWakeClients() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            s.call("ZADD", "src", "1", "a", "2", "b");
            s.call("ZADD", "other", "2", "b", "3", "c");
            String[][] creators = {
                    {"ZINCRBY", "k", "5", "inc"},
                    {"ZUNIONSTORE", "k", "2", "src", "other"},
                    {"ZINTERSTORE", "k", "2", "src", "other", "WEIGHTS", "1", "10"},
                    {"ZDIFFSTORE", "k", "2", "src", "other"},
                    {"ZRANGESTORE", "k", "src", "0", "0"},
                    {"ZADD", "k", "NX", "7", "nx"},
                    {"COPY", "src", "k"},
                    {"RENAME", "other", "k"},
            };
            for (String[] creator : creators) {
                s.block(a, 1, "BZPOPMAX", "k", "0");
                s.call("ZADD", "k", "XX", "1", "absent"); // creates nothing: the client keeps waiting
                s.call(creator);
                s.read(a);
                s.awaitBlocked(0);
                s.call("DEL", "k");
            }
            s.call("SELECT", "1");
            s.call("ZADD", "k", "9", "moved");
            s.block(a, 1, "BZMPOP", "0", "1", "k", "MIN");
            s.call("MOVE", "k", "0");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$5\r\nmoved\r\n$1\r\n9\r\n");
            s.call("SELECT", "0");
            s.call("EXISTS", "k", "src", "other");
        });
    }

    @Test
    void aListOrStringAtTheKeyDoesNotWakeAndAnEmptyStoreDoesNotEither() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            s.block(a, 1, "BZPOPMIN", "k", "0");
            s.call("RPUSH", "k", "list");
            s.call("DEL", "k");
            s.call("SET", "k", "string");
            s.call("DEL", "k");
            s.call("ZUNIONSTORE", "k", "1", "nokey");
            s.awaitBlocked(1);
            s.call("ZADD", "k", "1", "m");
            assertThat(s.read(a)).isEqualTo("*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n1\r\n");
        });
    }

    @Test
    void timeoutsReplyNullAfterTheirTime() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            for (String[] command : new String[][] {
                    {"BZPOPMIN", "none", "0.1"}, {"BZPOPMAX", "none", "other", "0.1"},
                    {"BZMPOP", "0.1", "2", "none", "other", "MAX", "COUNT", "3"}}) {
                long start = System.nanoTime();
                a.send(bytes(command));
                assertThat(s.read(a)).isEqualTo(NULL_ARRAY);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as(String.join(" ", command)).isBetween(90L, 2000L);
            }
            s.record(BlockingSession.text(a.call("HELLO", "3")).contains("proto") ? "hello" : "no hello");
            a.send(bytes("BZPOPMIN", "none", "0.05"));
            assertThat(s.read(a)).isEqualTo("_\r\n");
            a.send(bytes("BZMPOP", "0.05", "1", "none", "MIN"));
            assertThat(s.read(a)).isEqualTo("_\r\n");
            assertThat(s.read(send(a, "PING"))).isEqualTo("+PONG\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void servedRepliesFollowTheWaitingClientsProtocol() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            s.record(BlockingSession.text(a.call("HELLO", "3")).contains("proto") ? "hello" : "no hello");
            s.block(a, 1, "BZPOPMAX", "k", "0");
            s.call("ZADD", "k", "1.5", "a", "2", "b", "3", "c");
            assertThat(s.read(a)).isEqualTo("*3\r\n$1\r\nk\r\n$1\r\nc\r\n,3\r\n");
            s.block(a, 1, "BZMPOP", "0", "1", "k2", "MIN", "COUNT", "2");
            s.call("ZUNIONSTORE", "k2", "1", "k");
            assertThat(s.read(a)).isEqualTo("*2\r\n$2\r\nk2\r\n*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n");
        });
    }

    @Test
    void clientUnblockEndsTheWaitAsATimeoutOrAnError() throws Exception {
        sideBySide(this, s -> {
            RawClient a = s.client();
            String id = BlockingSession.text(a.call("CLIENT", "ID")).substring(1).trim();
            s.block(a, 1, "BZPOPMIN", "k", "0");
            assertThat(s.call("CLIENT", "UNBLOCK", id)).isEqualTo(":1\r\n");
            assertThat(s.read(a)).isEqualTo(NULL_ARRAY);
            s.block(a, 1, "BZMPOP", "0", "1", "k", "MAX");
            assertThat(s.call("CLIENT", "UNBLOCK", id, "ERROR")).isEqualTo(":1\r\n");
            assertThat(s.read(a)).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
            assertThat(s.read(send(a, "PING"))).isEqualTo("+PONG\r\n");
            s.awaitBlocked(0);
            s.call("ZADD", "k", "1", "v");
            assertThat(s.call("ZCARD", "k")).isEqualTo(":1\r\n");
        });
    }

    @Test
    void aDisconnectedWaiterIsForgottenAndPipelinedCommandsWait() throws Exception {
        sideBySide(this, s -> {
            RawClient gone = s.client();
            RawClient stays = s.client();
            s.block(gone, 1, "BZPOPMIN", "k", "0");
            stays.sendRaw(concat(RawClient.encode(bytes("BZPOPMIN", "k", "0")),
                    RawClient.encode(bytes("ZADD", "k", "9", "own"))));
            s.awaitBlocked(2);
            gone.close();
            s.awaitBlocked(1);
            s.call("ZADD", "k", "1", "v1", "2", "v2");
            assertThat(s.read(stays)).isEqualTo("*3\r\n$1\r\nk\r\n$2\r\nv1\r\n$1\r\n1\r\n");
            assertThat(s.read(stays)).isEqualTo(":1\r\n");
            s.call("ZRANGE", "k", "0", "-1", "WITHSCORES");
        });
    }

    @Test
    void aServedPopReportsKeyspaceEvents() throws Exception {
        sideBySide(this, s -> {
            s.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            RawClient a = s.client();
            RawClient events = s.client();
            events.send(bytes("PSUBSCRIBE", "__keyevent@0__:zpop*", "__keyevent@0__:del"));
            s.read(events);
            s.read(events);
            s.block(a, 1, "BZPOPMAX", "k", "0");
            s.call("ZADD", "k", "1", "m");
            s.read(a);
            assertThat(s.read(events)).contains("zpopmax");
            assertThat(s.read(events)).contains(":del");
            s.call("CONFIG", "SET", "notify-keyspace-events", "");
        });
    }

    /**
     * A key holding another type that a ...STORE replaces by a sorted set wakes the clients waiting on it (Larder
     * signals every store of a non-empty sorted set; Redis 7.2 signals keys added to the database).
     */
    @Test
    void aKeyReplacedByASortedSetWakesTheWaiter() throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            RawClient a = s.client();
            s.block(a, 1, "BZPOPMIN", "k", "0");
            s.call("SET", "k", "string");
            s.call("ZADD", "src", "4", "m");
            s.call("ZUNIONSTORE", "k", "1", "src");
            assertThat(s.read(a)).isEqualTo("*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n4\r\n");
            s.awaitBlocked(0);
        }
    }

    /** Redis 7.2's timeout rules (7.0 differs): out-of-range timeouts are refused, a tiny negative one waits. */
    @Test
    void timeoutRangeErrorsFollowRedis72() throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            RawClient a = s.client();
            assertThat(BlockingSession.text(a.call("BZPOPMIN", "k", "1e20"))).isEqualTo("-ERR timeout is out of range\r\n");
            assertThat(BlockingSession.text(a.call("BZPOPMAX", "k", "inf"))).isEqualTo("-ERR timeout is out of range\r\n");
            assertThat(BlockingSession.text(a.call("BZMPOP", "-inf", "1", "k", "MIN"))).isEqualTo("-ERR timeout is negative\r\n");
            assertThat(BlockingSession.text(a.call("BZPOPMIN", "k", "-0.001"))).isEqualTo("-ERR timeout is negative\r\n");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
