package io.larder.node.commands.list;

import io.larder.node.testing.BlockingSession;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocking list commands, each scenario run against redis-server and Larder side by side: the transcripts of
 * replies must be equal, and each scenario also asserts what Redis's rules say it must contain.
 */
class BlockingListTest extends OracleTestBase {
    private static final String NULL_ARRAY = "*-1\r\n";

    private void sideBySide(BlockingSession.Scenario scenario) throws Exception {
        BlockingSession.sideBySide(this, scenario);
    }

    @Test
    void clientsAreServedInTheOrderTheyBlockedAndOnePushServesSeveral() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            RawClient c = s.client();
            s.block(a, 1, "BLPOP", "q", "0");
            s.block(b, 2, "BRPOP", "q", "0");
            s.block(c, 3, "BLPOP", "q", "0");
            assertThat(s.call("RPUSH", "q", "x", "y")).isEqualTo(":2\r\n");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
            assertThat(s.read(b)).isEqualTo("*2\r\n$1\r\nq\r\n$1\r\ny\r\n");
            s.awaitBlocked(1);
            assertThat(s.call("EXISTS", "q")).isEqualTo(":0\r\n");
            s.call("LPUSH", "q", "z", "w");
            assertThat(s.read(c)).isEqualTo("*2\r\n$1\r\nq\r\n$1\r\nw\r\n");
            assertThat(s.call("LRANGE", "q", "0", "-1")).isEqualTo("*1\r\n$1\r\nz\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void pushesAndMovesIntoTheKeyWakeClients() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            s.block(a, 1, "BLPOP", "k", "0");
            s.call("RPUSHX", "k", "ignored");
            s.call("LPUSH", "k", "one");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$3\r\none\r\n");
            s.call("RPUSH", "src", "m1", "m2");
            s.block(a, 1, "BRPOP", "k", "0");
            s.call("LMOVE", "src", "k", "LEFT", "RIGHT");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$2\r\nm1\r\n");
            s.block(a, 1, "BLPOP", "k", "0");
            s.call("RPOPLPUSH", "src", "k");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$2\r\nm2\r\n");
            s.call("EXISTS", "src", "k");
        });
    }

    @Test
    void aClientBlockedOnSeveralKeysIsServedFromTheKeyThatGotData() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            RawClient b = s.client();
            s.block(a, 1, "BLPOP", "k1", "k2", "k3", "0");
            s.block(b, 2, "BLMPOP", "0", "2", "k3", "k2", "RIGHT", "COUNT", "2");
            s.expect72("total_blocking_keys", 3);
            s.call("RPUSH", "k2", "a", "b", "c");
            assertThat(s.read(a)).isEqualTo("*2\r\n$2\r\nk2\r\n$1\r\na\r\n");
            assertThat(s.read(b)).isEqualTo("*2\r\n$2\r\nk2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
            s.awaitBlocked(0);
            s.expect72("total_blocking_keys", 0);
            s.call("EXISTS", "k2");
        });
    }

    @Test
    void timeoutsReplyNullAfterTheirTime() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            for (String[] command : new String[][] {
                    {"BLPOP", "none", "0.1"}, {"BRPOP", "none", "other", "0.1"}, {"BLMOVE", "none", "d", "LEFT", "LEFT", "0.1"},
                    {"BRPOPLPUSH", "none", "d", "0.1"}, {"BLMPOP", "0.1", "1", "none", "LEFT"}}) {
                long start = System.nanoTime();
                a.send(BlockingSession.bytes(command));
                assertThat(s.read(a)).isEqualTo(NULL_ARRAY);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as(String.join(" ", command)).isBetween(90L, 2000L);
            }
            assertThat(BlockingSession.text(a.call("HELLO", "3"))).contains("proto");
            a.send(BlockingSession.bytes("BLPOP", "none", "0.05"));
            assertThat(s.read(a)).isEqualTo("_\r\n");
            assertThat(s.read(BlockingSession.send(a, "PING"))).isEqualTo("+PONG\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void blmoveWaitsForTheSourceAndItsPushWakesTheNextClient() throws Exception {
        sideBySide(s -> {
            RawClient mover = s.client();
            RawClient reader = s.client();
            s.block(mover, 1, "BLMOVE", "in", "out", "RIGHT", "LEFT", "0");
            s.block(reader, 2, "BLPOP", "out", "0");
            s.call("RPUSH", "in", "a", "b");
            assertThat(s.read(mover)).isEqualTo("$1\r\nb\r\n");
            // The move made "out" non-empty: the reader is served in the same pass.
            assertThat(s.read(reader)).isEqualTo("*2\r\n$3\r\nout\r\n$1\r\nb\r\n");
            s.call("LRANGE", "in", "0", "-1");
            s.call("EXISTS", "out");
            s.block(mover, 1, "BRPOPLPUSH", "in2", "out2", "0");
            s.call("LPUSH", "in2", "x");
            assertThat(s.read(mover)).isEqualTo("$1\r\nx\r\n");
            s.call("LRANGE", "out2", "0", "-1");
        });
    }

    @Test
    void aClientThatDisconnectsWhileBlockedIsForgotten() throws Exception {
        sideBySide(s -> {
            RawClient gone = s.client();
            RawClient stays = s.client();
            s.block(gone, 1, "BLPOP", "k", "0");
            s.block(stays, 2, "BLPOP", "k", "0");
            gone.close();
            s.awaitBlocked(1);
            s.call("RPUSH", "k", "v1", "v2");
            assertThat(s.read(stays)).isEqualTo("*2\r\n$1\r\nk\r\n$2\r\nv1\r\n");
            assertThat(s.call("LRANGE", "k", "0", "-1")).isEqualTo("*1\r\n$2\r\nv2\r\n");
        });
    }

    @Test
    void clientUnblockEndsTheWaitAsATimeoutOrAnError() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            String id = BlockingSession.text(a.call("CLIENT", "ID")).substring(1).trim();
            s.call("CLIENT", "UNBLOCK", id);
            s.block(a, 1, "BLPOP", "k", "0");
            assertThat(s.call("CLIENT", "UNBLOCK", id)).isEqualTo(":1\r\n");
            assertThat(s.read(a)).isEqualTo(NULL_ARRAY);
            assertThat(s.call("CLIENT", "UNBLOCK", id)).isEqualTo(":0\r\n");
            s.block(a, 1, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
            assertThat(s.call("CLIENT", "UNBLOCK", id, "ERROR")).isEqualTo(":1\r\n");
            assertThat(s.read(a)).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
            assertThat(s.read(BlockingSession.send(a, "PING"))).isEqualTo("+PONG\r\n");
            s.awaitBlocked(0);
            s.call("RPUSH", "k", "v");
            assertThat(s.call("LLEN", "k")).isEqualTo(":1\r\n");
        });
    }

    @Test
    void commandsPipelinedAfterABlockingOneWaitForIt() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            a.sendRaw(concat(RawClient.encode(BlockingSession.bytes("BLPOP", "k", "0")),
                    RawClient.encode(BlockingSession.bytes("RPUSH", "k", "own"))));
            s.awaitBlocked(1);
            assertThat(s.call("LLEN", "k")).isEqualTo(":0\r\n");
            s.call("RPUSH", "k", "pushed");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$6\r\npushed\r\n");
            assertThat(s.read(a)).isEqualTo(":1\r\n");
            s.call("LRANGE", "k", "0", "-1");
        });
    }

    @Test
    void renameCopyAndMoveOfAListWakeClients() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            s.block(a, 1, "BLPOP", "k", "0");
            s.call("SET", "k", "string"); // not a list: the client keeps waiting
            s.call("DEL", "k");
            s.call("RPUSH", "tmp", "renamed");
            s.call("RENAME", "tmp", "k");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$7\r\nrenamed\r\n");
            s.call("RPUSH", "tmp", "copied");
            s.block(a, 1, "BRPOP", "k", "0");
            s.call("COPY", "tmp", "k");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$6\r\ncopied\r\n");
            s.call("SELECT", "1");
            s.call("RPUSH", "k", "moved");
            s.block(a, 1, "BLPOP", "k", "0");
            s.call("MOVE", "k", "0");
            assertThat(s.read(a)).isEqualTo("*2\r\n$1\r\nk\r\n$5\r\nmoved\r\n");
            s.call("EXISTS", "k");
            s.call("SELECT", "0");
            s.call("EXISTS", "k", "tmp");
        });
    }

    /**
     * Redis 7.2 re-runs a served blocking command, so a client whose first key has meanwhile become a string gets
     * WRONGTYPE (7.0 served it from the key that got data): checked on Larder alone.
     */
    @Test
    void aServedCommandRunsAgainOverAllItsKeys() throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            RawClient a = s.client();
            RawClient b = s.client();
            s.block(a, 1, "BLPOP", "k1", "k2", "0");
            s.block(b, 2, "BRPOP", "k2", "0");
            s.expect72("total_blocking_keys", 2);
            s.call("SET", "k1", "string");
            s.call("RPUSH", "k2", "v");
            assertThat(s.read(a)).startsWith("-WRONGTYPE");
            assertThat(s.read(b)).isEqualTo("*2\r\n$2\r\nk2\r\n$1\r\nv\r\n");
            s.awaitBlocked(0);
            s.expect72("total_blocking_keys", 0);
        }
    }



    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

}
