package io.larder.node.commands.sort;

import io.larder.node.testing.BlockingSession;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.larder.node.testing.BlockingSession.bytes;
import static io.larder.node.testing.BlockingSession.sideBySide;
import static io.larder.node.testing.BlockingSession.text;
import static org.assertj.core.api.Assertions.assertThat;

/** SORT where the differential scripts cannot reach: events, waiting clients, Redis 7.2 encodings, random data. */
class SortTest extends OracleTestBase {

    @Test
    void storeReportsSortstoreOrDelAndWakesAListWaiter() throws Exception {
        sideBySide(this, s -> {
            s.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            RawClient events = s.client();
            events.send(bytes("PSUBSCRIBE", "__keyevent@0__:sortstore", "__keyevent@0__:del"));
            s.read(events);
            s.read(events);
            RawClient waiter = s.client();
            s.block(waiter, 1, "BLPOP", "out", "0");
            s.call("RPUSH", "l", "3", "1", "2");
            assertThat(s.call("SORT", "l", "STORE", "out")).isEqualTo(":3\r\n");
            assertThat(s.read(events)).contains("sortstore").contains("out");
            assertThat(s.read(waiter)).isEqualTo("*2\r\n$3\r\nout\r\n$1\r\n1\r\n");
            assertThat(s.call("SORT", "nokey", "STORE", "out")).isEqualTo(":0\r\n");
            assertThat(s.read(events)).contains(":del").contains("out");
            s.call("SORT", "nokey", "STORE", "out"); // nothing to delete: no event
            s.call("SORT", "l", "DESC", "STORE", "out");
            assertThat(s.read(events)).contains("sortstore");
            s.call("CONFIG", "SET", "notify-keyspace-events", "");
        });
    }

    /** Redis 7.2 stores a small result as a listpack, as listTypeTryConversion does; 7.0 had only quicklists. */
    @Test
    void theStoredListHasRedis72sEncoding() throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            s.call("RPUSH", "l", "3", "1", "2");
            s.call("SORT", "l", "STORE", "out");
            assertThat(s.call("OBJECT", "ENCODING", "out")).isEqualTo("$8\r\nlistpack\r\n");
            String[] many = new String[2 + 200];
            many[0] = "RPUSH";
            many[1] = "big";
            for (int i = 0; i < 200; i++) {
                many[2 + i] = String.format("%0100d", i); // 20 KB: past list-max-listpack-size's 8 KB
            }
            s.call(many);
            s.call("SORT", "big", "STORE", "out");
            assertThat(s.call("OBJECT", "ENCODING", "out")).isEqualTo("$9\r\nquicklist\r\n");
            assertThat(s.call("LLEN", "out")).isEqualTo(":200\r\n");
        }
    }

    /** A Redis 7.2 listpack set keeps insertion order, which SORT BY nosort returns (7.0 had a hashtable there). */
    @Test
    void byNosortReturnsAListpackSetInInsertionOrder() throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            s.call("SADD", "s", "banana", "apple", "10", "cherry");
            assertThat(s.call("OBJECT", "ENCODING", "s")).isEqualTo("$8\r\nlistpack\r\n");
            assertThat(s.call("SORT", "s", "BY", "nosort"))
                    .isEqualTo("*4\r\n$6\r\nbanana\r\n$5\r\napple\r\n$2\r\n10\r\n$6\r\ncherry\r\n");
            assertThat(s.call("SORT", "s", "BY", "nosort", "STORE", "d")).isEqualTo(":4\r\n");
            assertThat(s.call("LRANGE", "d", "0", "-1"))
                    .isEqualTo("*4\r\n$2\r\n10\r\n$5\r\napple\r\n$6\r\nbanana\r\n$6\r\ncherry\r\n");
        }
    }

    /** Random lists, sets and sorted sets with BY and GET over keys in many stripes, sorted by both servers. */
    @Test
    void randomDataSortsAlike() throws Exception {
        sideBySide(this, s -> {
            Random random = new Random(20261127);
            for (int round = 0; round < 30; round++) {
                s.call("FLUSHALL");
                int n = 1 + random.nextInt(60);
                List<String> push = new ArrayList<>(List.of("RPUSH", "l"));
                List<String> zadd = new ArrayList<>(List.of("ZADD", "z"));
                for (int i = 0; i < n; i++) {
                    String e = random.nextInt(4) == 0 ? "e" + random.nextInt(100)
                            : Integer.toString(random.nextInt(200) - 100);
                    push.add(e);
                    zadd.add(Integer.toString(random.nextInt(10)));
                    zadd.add(e);
                    if (random.nextBoolean()) {
                        s.call("SET", "w_" + e, Double.toString(random.nextInt(1000) / 8.0));
                    }
                    if (random.nextBoolean()) {
                        s.call("HSET", "h_" + e, "f", Integer.toString(random.nextInt(50)), "name", "n" + e);
                    }
                }
                s.call(push.toArray(String[]::new));
                s.call(zadd.toArray(String[]::new));
                for (String key : new String[] {"l", "z"}) {
                    s.call("SORT", key, "ALPHA");
                    s.call("SORT", key, "ALPHA", "DESC", "LIMIT", "1", "5");
                    s.call("SORT", key, "BY", "w_*", "GET", "#", "GET", "h_*->name");
                    s.call("SORT", key, "BY", "h_*->f", "DESC", "GET", "w_*");
                    s.call("SORT", key, "BY", "nosort", "DESC", "LIMIT", "2", "7", "GET", "h_*->f");
                    s.call("SORT", key, "BY", "w_*", "LIMIT", Integer.toString(random.nextInt(10)), "4",
                            "STORE", "out");
                    s.call("LRANGE", "out", "0", "-1");
                }
            }
        });
    }

    @Test
    void sortWithPatternsSeesOneConsistentKeyspaceWhileOthersWrite() throws Exception {
        try (BlockingSession s = new BlockingSession(larder.port(), true)) {
            List<String> push = new ArrayList<>(List.of("RPUSH", "ids"));
            for (int i = 0; i < 200; i++) {
                push.add(Integer.toString(i));
                s.call("SET", "w_" + i, "0");
            }
            s.call(push.toArray(String[]::new));
            // A writer flips every weight in one MULTI: a SORT holding every stripe sees all 0 or all 1.
            Thread writer = new Thread(() -> {
                try (RawClient w = new RawClient(larder.port())) {
                    for (int round = 0; round < 50; round++) {
                        w.call("MULTI");
                        for (int i = 0; i < 200; i++) {
                            w.call("SET", "w_" + i, Integer.toString(round % 2));
                        }
                        w.call("EXEC");
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            RawClient reader = s.client();
            while (writer.isAlive()) {
                String reply = text(reader.call("SORT", "ids", "BY", "nosort", "GET", "w_*"));
                assertThat(reply.contains("$1\r\n0\r\n") && reply.contains("$1\r\n1\r\n")).as(reply).isFalse();
            }
            writer.join();
        }
    }
}
