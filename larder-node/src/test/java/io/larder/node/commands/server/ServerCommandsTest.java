package io.larder.node.commands.server;

import io.larder.node.server.NodeServer;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server commands whose replies depend on time, addresses or ids, checked against Larder alone. */
class ServerCommandsTest {

    @Test
    void slowlogRecordsEntriesNewestFirstInRedisShape() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            larder.node().config().slowlogLogSlowerThan.set("0");
            c.call("SLOWLOG", "RESET");
            c.call("SET", "k", "v");
            c.call("GET", "k");
            Resp all = Resp.parse(c.call("SLOWLOG", "GET", "-1"));
            // SLOWLOG RESET itself ran after the reset and is logged too: RESET, SET, GET.
            assertThat(all.children()).hasSize(3);
            Resp newest = all.child(0);
            assertThat(newest.children()).hasSize(6);
            assertThat(newest.child(3).children()).extracting(Resp::text).containsExactly("GET", "k");
            assertThat(all.child(1).child(3).children()).extracting(Resp::text).containsExactly("SET", "k", "v");
            long newestId = Long.parseLong(newest.child(0).text());
            assertThat(Long.parseLong(all.child(1).child(0).text())).isEqualTo(newestId - 1);
            long time = Long.parseLong(newest.child(1).text());
            assertThat(time).isBetween(System.currentTimeMillis() / 1000 - 5, System.currentTimeMillis() / 1000 + 1);
            assertThat(Long.parseLong(newest.child(2).text())).isNotNegative();
            assertThat(newest.child(4).text()).startsWith("127.0.0.1:");
            assertThat(newest.child(5).text()).isEmpty();

            assertThat(Resp.parse(c.call("SLOWLOG", "GET", "1")).children()).hasSize(1);
            assertThat(Resp.parse(c.call("SLOWLOG", "GET", "0")).children()).isEmpty();
            assertThat(c.callText("SLOWLOG", "LEN")).isEqualTo(":6\r\n");
            larder.node().config().slowlogLogSlowerThan.set("-1");
            assertThat(c.callText("SLOWLOG", "RESET")).isEqualTo("+OK\r\n");
            c.call("GET", "k");
            assertThat(c.callText("SLOWLOG", "LEN")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void slowlogDefaultCountIsTenAndLongArgumentsAreCut() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            larder.node().config().slowlogLogSlowerThan.set("0");
            for (int i = 0; i < 12; i++) {
                c.call("GET", "k" + i);
            }
            assertThat(Resp.parse(c.call("SLOWLOG", "GET")).children()).hasSize(10);
            c.call("SET", "k", "x".repeat(200));
            Resp entry = Resp.parse(c.call("SLOWLOG", "GET", "1")).child(0);
            assertThat(entry.child(3).child(0).text()).isEqualTo("SET");
            assertThat(entry.child(3).child(2).text()).isEqualTo("x".repeat(128) + "... (72 more bytes)");
        }
    }

    @Test
    void debugSleepBlocksOtherClientsKeyCommands() throws Exception {
        try (LarderServer larder = LarderServer.start("--enable-debug-command", "yes");
             RawClient sleeper = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            other.call("SET", "k", "v");
            sleeper.send("DEBUG".getBytes(), "SLEEP".getBytes(), "0.6".getBytes());
            Thread.sleep(100);
            long start = System.nanoTime();
            assertThat(other.callText("GET", "k")).isEqualTo("$1\r\nv\r\n");
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(new String(sleeper.readReply())).isEqualTo("+OK\r\n");
            assertThat(waitedMillis).isGreaterThanOrEqualTo(350);
        }
    }

    @Test
    void debugIsRefusedUnlessEnabled() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("DEBUG", "DIGEST")).startsWith("-ERR DEBUG command not allowed.");
        }
        try (LarderServer larder = LarderServer.start("--enable-debug-command", "local");
             RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("DEBUG", "DIGEST")).isEqualTo("+" + "0".repeat(40) + "\r\n");
        }
    }

    @Test
    void debugSetActiveExpireTogglesTheCron() throws Exception {
        try (LarderServer larder = LarderServer.start("--enable-debug-command", "yes");
             RawClient c = new RawClient(larder.port())) {
            NodeServer server = larder.node().server();
            assertThat(c.callText("DEBUG", "SET-ACTIVE-EXPIRE", "0")).isEqualTo("+OK\r\n");
            assertThat(server.activeExpire()).isFalse();
            assertThat(c.callText("DEBUG", "SET-ACTIVE-EXPIRE", "1")).isEqualTo("+OK\r\n");
            assertThat(server.activeExpire()).isTrue();
        }
    }

    @Test
    void debugObjectDescribesStringsLikeRedis() throws Exception {
        try (LarderServer larder = LarderServer.start("--enable-debug-command", "yes");
             RawClient c = new RawClient(larder.port())) {
            c.call("SET", "int", "1");
            c.call("SET", "big", "123456789");
            c.call("SET", "short", "hello");
            c.call("SET", "long", "x".repeat(100));
            assertThat(c.callText("DEBUG", "OBJECT", "int")).matches(
                    "\\+Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\\d+ lru_seconds_idle:\\d+\r\n");
            assertThat(c.callText("DEBUG", "OBJECT", "big")).contains(" refcount:1 encoding:int serializedlength:5 ");
            assertThat(c.callText("DEBUG", "OBJECT", "short")).contains(" refcount:1 encoding:embstr serializedlength:6 ");
            assertThat(c.callText("DEBUG", "OBJECT", "long")).contains(" encoding:raw serializedlength:102 ");
            String lru = c.callText("DEBUG", "OBJECT", "short").replaceAll("(?s).* lru:(\\d+) .*", "$1");
            assertThat(Long.parseLong(lru)).isCloseTo(larder.node().keyspace().lruClock(), org.assertj.core.data.Offset.offset(2L));
        }
    }

    @Test
    void shutdownClosesTheServerAndRunsTheExitAction() throws Exception {
        LarderServer larder = LarderServer.start();
        try {
            CountDownLatch exited = new CountDownLatch(1);
            larder.node().server().exitAction(exited::countDown);
            try (RawClient c = new RawClient(larder.port())) {
                assertThat(c.callText("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
                c.send("SHUTDOWN".getBytes(), "NOSAVE".getBytes());
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(exited.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", larder.port()), 1000);
                }
            }).isInstanceOf(ConnectException.class);
        } finally {
            larder.close();
        }
    }

    @Test
    void latencyMonitorRecordsSpikesOverTheThreshold() throws Exception {
        try (LarderServer larder = LarderServer.start("--enable-debug-command", "yes");
             RawClient c = new RawClient(larder.port())) {
            c.call("DEBUG", "SLEEP", "0.05");
            assertThat(c.callText("LATENCY", "LATEST")).isEqualTo("*0\r\n");
            larder.node().config().find("latency-monitor-threshold").set("20");
            c.call("DEBUG", "SLEEP", "0.05");
            c.call("PING");
            Resp latest = Resp.parse(c.call("LATENCY", "LATEST"));
            assertThat(latest.children()).hasSize(1);
            Resp event = latest.child(0);
            assertThat(event.child(0).text()).isEqualTo("command");
            assertThat(Long.parseLong(event.child(2).text())).isGreaterThanOrEqualTo(50);
            assertThat(Long.parseLong(event.child(3).text())).isGreaterThanOrEqualTo(50);
            Resp history = Resp.parse(c.call("LATENCY", "HISTORY", "command"));
            assertThat(history.children()).hasSize(1);
            assertThat(history.child(0).child(0).text()).isEqualTo(event.child(1).text());
            assertThat(Resp.parse(c.call("LATENCY", "DOCTOR")).payload()).contains("command");
            assertThat(Resp.parse(c.call("LATENCY", "GRAPH", "command")).payload()).startsWith("command - high ");
            assertThat(c.callText("LATENCY", "RESET", "command", "nosuch")).isEqualTo(":1\r\n");
            assertThat(c.callText("LATENCY", "LATEST")).isEqualTo("*0\r\n");
        }
    }

    @Test
    void latencyHistogramReportsCumulativePowerOfTwoBuckets() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            for (int i = 0; i < 5; i++) {
                c.call("GET", "k");
            }
            Resp reply = Resp.parse(c.call("LATENCY", "HISTOGRAM", "get", "nosuch"));
            assertThat(reply.children()).hasSize(2);
            assertThat(reply.child(0).text()).isEqualTo("get");
            Resp body = reply.child(1);
            assertThat(body.children()).extracting(Resp::text).startsWith("calls", "5", "histogram_usec");
            List<Resp> buckets = body.child(3).children();
            assertThat(buckets.size() % 2).isZero();
            assertThat(buckets.get(buckets.size() - 1).text()).isEqualTo("5");
            long previous = 0;
            for (int i = 0; i < buckets.size(); i += 2) {
                // Each bucket is 1024 * 2^n ns at 2 significant digits, reported in microseconds: 1, 2, 4, 8, 16, 33 ...
                assertThat(Long.parseLong(buckets.get(i).text())).isPositive();
                long cumulative = Long.parseLong(buckets.get(i + 1).text());
                assertThat(cumulative).isGreaterThan(previous);
                previous = cumulative;
            }
        }
    }

    @Test
    void commandCountListAndDocsDescribeTheTable() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            int size = larder.node().commands().size();
            assertThat(c.callText("COMMAND", "COUNT")).isEqualTo(":" + size + "\r\n");
            assertThat(Resp.parse(c.call("COMMAND")).children()).hasSize(size);
            List<String> names = Resp.parse(c.call("COMMAND", "LIST")).children().stream().map(Resp::text).toList();
            assertThat(names).contains("get", "slowlog", "slowlog|get", "command|docs", "debug");
            assertThat(Resp.parse(c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "dangerous")).children())
                    .extracting(Resp::text).contains("flushall", "slowlog|get", "debug").doesNotContain("get");
            Resp docs = Resp.parse(c.call("COMMAND", "DOCS", "slowlog", "nosuch"));
            assertThat(docs.children()).hasSize(2);
            assertThat(docs.child(0).text()).isEqualTo("slowlog");
            List<String> fields = docs.child(1).children().stream().map(Resp::text).toList();
            assertThat(fields).containsSubsequence("summary", "since", "2.2.12", "group", "server", "complexity",
                    "subcommands");
            Resp subs = docs.child(1).child(9);
            assertThat(subs.children().stream().map(Resp::text).toList()).contains("slowlog|get", "slowlog|reset");
            Resp info = Resp.parse(c.call("COMMAND", "INFO", "config|nosuch", "slowlog|get"));
            assertThat(info.child(0).header()).isEqualTo("$-1");
            assertThat(info.child(1).child(0).text()).isEqualTo("slowlog|get");
            assertThat(Resp.parse(c.call("COMMAND", "HELP")).child(0).text()).startsWith("COMMAND <subcommand>");
        }
    }

    @Test
    void getKeysAndFlagsUsesArgumentDependentFlags() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            // A command like SET, whose key flags depend on a GET argument, as Redis's setGetKeys reports them.
            larder.node().commands().register(io.larder.node.command.CommandSpec.builder("flagtest", -3)
                    .flags("write").keys(1, 1, 1).acl("write slow")
                    .keySpecs(io.larder.node.command.CommandSpec.KeySpec.range("RW access update variable_flags", 1, 0, 1, 0))
                    .keyFlags((args, pos) -> args.length > 3 ? List.of("RW", "access", "update") : List.of("OW", "update"))
                    .handler((cl, a) -> cl.reply().ok()).build());
            assertThat(c.callText("COMMAND", "GETKEYSANDFLAGS", "flagtest", "k", "v"))
                    .isEqualTo("*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n");
            assertThat(c.callText("COMMAND", "GETKEYSANDFLAGS", "flagtest", "k", "v", "get"))
                    .isEqualTo("*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
        }
    }

    @Test
    void timeAndLastsave() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            long before = System.currentTimeMillis() / 1000;
            Resp time = Resp.parse(c.call("TIME"));
            long after = System.currentTimeMillis() / 1000;
            long seconds = Long.parseLong(time.child(0).text());
            assertThat(seconds).isBetween(before, after);
            assertThat(Long.parseLong(time.child(1).text())).isBetween(0L, 999_999L);
            assertThat(c.callText("LASTSAVE")).isEqualTo(":" + larder.node().lastSaveSeconds() + "\r\n");
        }
    }

    @Test
    void flushAllFromTwoClientsAtOnceLeavesAnEmptyKeyspace() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient a = new RawClient(larder.port());
             RawClient b = new RawClient(larder.port())) {
            for (int i = 0; i < 200; i++) {
                a.call("SET", "k" + i, "v");
            }
            CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.callText("FLUSHALL");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(a.callText("FLUSHDB")).isEqualTo("+OK\r\n");
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("+OK\r\n");
            assertThat(a.callText("DBSIZE")).isEqualTo(":0\r\n");
        }
    }
}
