package io.larder.node.commands.stream;

import io.larder.node.testing.BlockingSession;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XREAD BLOCK and XREADGROUP BLOCK, each scenario run against redis-server and Larder side by side (the reply
 * transcripts must be equal) and asserting what Redis's rules say; Redis 7.2 behaviour the 7.0 oracle lacks is
 * checked on Larder alone.
 */
class BlockingStreamTest extends OracleTestBase {
    private static final String NULL_ARRAY = "*-1\r\n";

    private void sideBySide(BlockingSession.Scenario scenario) throws Exception {
        BlockingSession.sideBySide(this, scenario);
    }

    private void larderOnly(BlockingSession.Scenario scenario) throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            scenario.run(s);
        }
    }

    private static String entries(String key, String... idFieldValue) {
        StringBuilder b = new StringBuilder("*1\r\n*2\r\n").append(bulk(key)).append('*').append(idFieldValue.length / 3)
                .append("\r\n");
        for (int i = 0; i < idFieldValue.length; i += 3) {
            b.append("*2\r\n").append(bulk(idFieldValue[i])).append("*2\r\n").append(bulk(idFieldValue[i + 1]))
                    .append(bulk(idFieldValue[i + 2]));
        }
        return b.toString();
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void readersAreServedInTheOrderTheyBlockedEachAfterItsOwnId() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            RawClient all = s.client();
            RawClient first = s.client();
            RawClient second = s.client();
            RawClient later = s.client();
            s.block(all, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.block(first, 2, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            s.block(second, 3, "XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">");
            s.block(later, 4, "XREAD", "BLOCK", "0", "STREAMS", "s", "100");
            s.call("XADD", "s", "1", "f", "v");
            assertThat(s.read(all)).isEqualTo(entries("s", "1-0", "f", "v"));
            assertThat(s.read(first)).isEqualTo(entries("s", "1-0", "f", "v"));
            s.awaitBlocked(2); // the group's entry went to the first consumer; the reader after 100 waits on
            s.call("XADD", "s", "101", "f", "w");
            assertThat(s.read(second)).isEqualTo(entries("s", "101-0", "f", "w"));
            assertThat(s.read(later)).isEqualTo(entries("s", "101-0", "f", "w"));
            s.awaitBlocked(0);
            s.call("XPENDING", "s", "g");
        });
    }

    @Test
    void onlyXaddWakesReaders() throws Exception {
        sideBySide(s -> {
            s.call("XADD", "s", "1", "f", "v");
            s.call("XGROUP", "CREATE", "s", "g", "$");
            RawClient reader = s.client();
            RawClient grouped = s.client();
            s.block(reader, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.block(grouped, 2, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "COUNT", "5", "STREAMS", "s", ">");
            s.call("XDEL", "s", "1");
            s.call("XSETID", "s", "5");
            s.call("XGROUP", "CREATE", "s", "other", "0");
            s.call("XGROUP", "SETID", "s", "g", "$");
            s.call("XTRIM", "s", "MAXLEN", "0");
            s.awaitBlocked(2);
            s.call("XADD", "s", "MAXLEN", "1", "6", "a", "b");
            assertThat(s.read(reader)).isEqualTo(entries("s", "6-0", "a", "b"));
            assertThat(s.read(grouped)).isEqualTo(entries("s", "6-0", "a", "b"));
        });
    }

    @Test
    void aBlockedReaderOfSeveralStreamsGetsWhatArrivedAndNoAckLeavesNothingPending() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "a", "g", "$", "MKSTREAM");
            s.call("XGROUP", "CREATE", "b", "g", "$", "MKSTREAM");
            RawClient reader = s.client();
            s.block(reader, 1, "XREADGROUP", "GROUP", "g", "c", "NOACK", "BLOCK", "0", "STREAMS", "a", "b", ">", ">");
            s.call("XADD", "b", "3", "x", "y");
            assertThat(s.read(reader)).isEqualTo(entries("b", "3-0", "x", "y"));
            s.call("XPENDING", "b", "g");
            s.call("XINFO", "GROUPS", "b");
        });
    }

    @Test
    void timeoutsReplyNull() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            RawClient a = s.client();
            for (String[] command : new String[][] {
                    {"XREAD", "BLOCK", "100", "STREAMS", "s", "nokey", "$", "0"},
                    {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "100", "STREAMS", "s", ">"}}) {
                long start = System.nanoTime();
                a.send(BlockingSession.bytes(command));
                assertThat(s.read(a)).isEqualTo(NULL_ARRAY);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as(String.join(" ", command)).isBetween(90L, 2000L);
            }
            a.call("HELLO", "3");
            a.send(BlockingSession.bytes("XREAD", "BLOCK", "50", "STREAMS", "s", "$"));
            assertThat(s.read(a)).isEqualTo("_\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void clientUnblockEndsTheWaitAsATimeoutOrAnError() throws Exception {
        sideBySide(s -> {
            RawClient a = s.client();
            String id = a.callText("CLIENT", "ID").substring(1).trim();
            s.block(a, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            assertThat(s.call("CLIENT", "UNBLOCK", id)).isEqualTo(":1\r\n");
            assertThat(s.read(a)).isEqualTo(NULL_ARRAY);
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.block(a, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            assertThat(s.call("CLIENT", "UNBLOCK", id, "ERROR")).isEqualTo(":1\r\n");
            assertThat(s.read(a)).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
            s.awaitBlocked(0);
            s.call("XADD", "s", "1", "f", "v");
            assertThat(s.call("XPENDING", "s", "g")).startsWith("*4\r\n:0\r\n");
        });
    }

    @Test
    void aGroupReaderLearnsItsStreamWasDeletedOrFlushedWhileAPlainReaderWaitsOn() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            RawClient plain = s.client();
            RawClient grouped = s.client();
            s.block(plain, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.block(grouped, 2, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.call("DEL", "s");
            assertThat(s.read(grouped)).isEqualTo("-UNBLOCKED the stream key no longer exists\r\n");
            s.awaitBlocked(1);
            s.call("XADD", "s", "5", "f", "v");
            assertThat(s.read(plain)).isEqualTo(entries("s", "5-0", "f", "v"));
            s.call("XGROUP", "CREATE", "s", "g", "$");
            s.block(grouped, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.call("FLUSHALL");
            assertThat(s.read(grouped)).isEqualTo("-UNBLOCKED the stream key no longer exists\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void swapdbServesReadersFromTheDatabaseSwappedIn() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "g0", "g", "$", "MKSTREAM");
            RawClient plain = s.client();
            RawClient grouped = s.client();
            s.block(plain, 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.block(grouped, 2, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "g0", ">");
            s.call("SELECT", "1");
            s.call("XADD", "s", "7", "f", "v");
            s.call("SWAPDB", "0", "1");
            assertThat(s.read(plain)).isEqualTo(entries("s", "7-0", "f", "v"));
            assertThat(s.read(grouped)).isEqualTo("-UNBLOCKED the stream key no longer exists\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void aGroupReaderLearnsItsStreamChangedType() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            RawClient grouped = s.client();
            s.block(grouped, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.call("SET", "s", "string");
            assertThat(s.read(grouped)).isEqualTo("-UNBLOCKED the stream key no longer exists\r\n");
            s.awaitBlocked(0);
        });
    }

    /** Redis 7.2 re-runs the blocked XREADGROUP when its group is destroyed: the reply is the command's NOGROUP. */
    @Test
    void aGroupReaderLearnsItsGroupWasDestroyed() throws Exception {
        larderOnly(s -> {
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            RawClient grouped = s.client();
            s.block(grouped, 1, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.call("XGROUP", "DESTROY", "s", "g");
            assertThat(s.read(grouped))
                    .isEqualTo("-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n");
            s.awaitBlocked(0);
        });
    }

    @Test
    void readsInsideMultiNeverBlock() throws Exception {
        sideBySide(s -> {
            s.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.call("MULTI");
            s.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            assertThat(s.call("EXEC")).isEqualTo("*2\r\n*-1\r\n*-1\r\n");
        });
    }
}
