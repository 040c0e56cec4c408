package io.larder.node.persistence;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SAVE, BGSAVE, save points, LASTSAVE, MISCONF, LOADING and SHUTDOWN's save on a Larder node. */
class PersistenceCommandsTest {
    private static Path dir(Jedis j) {
        return Path.of(j.configGet("dir").get("dir"));
    }

    private static void awaitNoBgsave(Jedis j) throws InterruptedException {
        while (j.info("persistence").contains("rdb_bgsave_in_progress:1")) {
            Thread.sleep(5);
        }
    }

    @Test
    void saveAndBgsaveWriteTheFileAndTheFigures() throws Exception {
        try (LarderServer server = LarderServer.start(); Jedis j = new Jedis("127.0.0.1", server.port())) {
            long before = j.lastsave();
            j.set("a", "1");
            j.set("b", "2");
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:2");
            Thread.sleep(1100);
            assertThat(j.save()).isEqualTo("OK");
            assertThat(j.lastsave()).isGreaterThan(before);
            assertThat(Files.exists(dir(j).resolve("dump.rdb"))).isTrue();
            String info = j.info("persistence");
            assertThat(info).contains("rdb_changes_since_last_save:0", "rdb_saves:1", "rdb_last_bgsave_status:ok");
            j.set("c", "3");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            awaitNoBgsave(j);
            assertThat(j.info("persistence")).contains("rdb_saves:2", "rdb_last_bgsave_time_sec:0");
            assertThatThrownBy(() -> j.sendCommand(() -> "BGSAVE".getBytes(), "NOW"))
                    .hasMessage("ERR syntax error");
            try (RawClient other = new RawClient(server.port())) {
                other.call("MULTI");
                other.call("BGSAVE");
                assertThat(other.callText("EXEC")).isEqualTo("*1\r\n+Background saving scheduled\r\n");
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (!j.info("persistence").contains("rdb_saves:3") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(j.info("persistence")).contains("rdb_saves:3");
        }
    }

    @Test
    void loadingSendsNoNewEventsAsRedisDoesNot() throws Exception {
        try (LarderServer server = LarderServer.start("--enable-debug-command", "yes");
             RawClient c = new RawClient(server.port()); RawClient subscriber = new RawClient(server.port())) {
            c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            subscriber.call("PSUBSCRIBE", "__key*__:*");
            c.call("SET", "a", "1");
            assertThat(new String(subscriber.readReply(), StandardCharsets.UTF_8)).contains("__keyspace@0__:a", "set");
            assertThat(new String(subscriber.readReply(), StandardCharsets.UTF_8)).contains("__keyevent@0__:set");
            c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn");
            assertThat(new String(c.call("DEBUG", "RELOAD"), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
            c.call("SET", "b", "2"); // the first event after the reload must be b's, not a "new" for the loaded a
            String first = new String(subscriber.readReply(), StandardCharsets.UTF_8);
            assertThat(first).contains("__keyspace@0__:b").doesNotContain(":a\r\n");
        }
    }

    @Test
    void savePointsTriggerABackgroundSave() throws Exception {
        try (LarderServer server = LarderServer.start("--save", "1 2"); Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.set("a", "1");
            Thread.sleep(1500);
            assertThat(j.info("persistence")).contains("rdb_saves:0"); // one change of the two
            j.set("b", "2");
            long deadline = System.currentTimeMillis() + 5000;
            while (!j.info("persistence").contains("rdb_saves:1") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            awaitNoBgsave(j);
            assertThat(j.info("persistence")).contains("rdb_saves:1", "rdb_changes_since_last_save:0");
        }
    }

    @Test
    void failedBackgroundSaveStopsWritesUntilASaveSucceeds() throws Exception {
        Path gone = Files.createTempDirectory("larder-gone-");
        try (LarderServer server = LarderServer.start("--save", "3600 1", "--dir", gone.toString());
             Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.set("k", "v");
            Files.delete(gone);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            awaitNoBgsave(j);
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:err");
            String misconf = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist"
                    + " to disk. Commands that may modify the data set are disabled, because this instance is"
                    + " configured to report errors during writes if RDB snapshotting fails"
                    + " (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB"
                    + " error.";
            assertThatThrownBy(() -> j.set("k", "w")).hasMessage(misconf);
            assertThatThrownBy(j::ping).hasMessage(misconf);
            assertThat(j.get("k")).isEqualTo("v");
            assertThatThrownBy(j::save).hasMessage("ERR");
            j.configSet("stop-writes-on-bgsave-error", "no");
            assertThat(j.set("k", "w")).isEqualTo("OK");
            j.configSet("stop-writes-on-bgsave-error", "yes");
            Files.createDirectories(gone);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            awaitNoBgsave(j);
            assertThat(j.set("k", "x")).isEqualTo("OK");
        }
    }

    @Test
    void commandsGetLoadingWhileTheFileLoads() throws Exception {
        Path dir = Files.createTempDirectory("larder-loading-");
        Keyspace keyspace = new Keyspace(16, System::currentTimeMillis);
        keyspace.lockAll();
        try {
            for (int i = 0; i < 1_500_000; i++) {
                keyspace.db(0).put(("key:" + i).getBytes(), ("value:" + i).getBytes());
            }
        } finally {
            keyspace.unlockAll();
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve("dump.rdb")))) {
            new RdbSnapshot(keyspace, RdbTypes.VERSION, true).writeTo(out, Map.of(), true);
        }
        try (LarderServer server = LarderServer.start("--dir", dir.toString());
             RawClient c = new RawClient(server.port())) {
            assertThat(server.node().persistence().loading()).as("the load is still running").isTrue();
            assertThat(c.callText("GET", "key:1")).isEqualTo("-LOADING Redis is loading the dataset in memory\r\n");
            assertThat(c.callText("INFO", "persistence")).contains("loading:1", "loading_start_time:", "loading_total_bytes:",
                    "loading_loaded_perc:");
            while (server.node().persistence().loading()) {
                Thread.sleep(20);
            }
            assertThat(c.callText("GET", "key:1")).isEqualTo("$7\r\nvalue:1\r\n");
            assertThat(c.callText("DBSIZE")).isEqualTo(":1500000\r\n");
        }
    }

    @Test
    void shutdownSavesWhenAskedOrWhenSavePointsExist() throws Exception {
        for (List<String> c : List.of(List.of("3600 1", "SHUTDOWN", "yes"), List.of("3600 1", "SHUTDOWN NOSAVE", "no"),
                List.of("", "SHUTDOWN", "no"), List.of("", "SHUTDOWN SAVE", "yes"))) {
            Path dir = Files.createTempDirectory("larder-shutdown-");
            try (LarderServer server = LarderServer.start("--save", c.get(0), "--dir", dir.toString());
                 RawClient client = new RawClient(server.port())) {
                client.call("SET", "k", "v");
                String[] words = c.get(1).split(" ");
                byte[][] args = new byte[words.length][];
                for (int i = 0; i < words.length; i++) {
                    args[i] = words[i].getBytes();
                }
                client.send(args);
                assertThat(client.closedByServer()).isTrue(); // SHUTDOWN saves before it closes connections
            }
            assertThat(Files.exists(dir.resolve("dump.rdb"))).as(c.toString()).isEqualTo(c.get(2).equals("yes"));
        }
    }

    @Test
    void idleTimesSurviveARestartUnderAnLruPolicy() throws Exception {
        Path dir = Files.createTempDirectory("larder-idle-");
        String[] options = {"--dir", dir.toString(), "--maxmemory-policy", "allkeys-lru"};
        try (LarderServer server = LarderServer.start(options); Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.set("k", "v");
            j.restore("old".getBytes(), 0, j.dump("k".getBytes()), redis.clients.jedis.params.RestoreParams
                    .restoreParams().idleTime(5000));
            assertThat(j.save()).isEqualTo("OK");
        }
        try (LarderServer server = RdbFileInteropTest.startLoaded(dir, "--maxmemory-policy", "allkeys-lru");
             Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertThat(j.objectIdletime("old")).isBetween(5000L, 5003L);
            assertThat(j.objectIdletime("k")).isLessThan(5L);
        }
    }
}
