package io.larder.node.persistence.aof;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CONFIG SET appendonly (and dir) while a dataset loads at start-up: Redis 7.0-7.4 refuse them with -LOADING
 * (DENY_LOADING_CONFIG) and change nothing, whereas other parameters may be set. Accepting them would turn the
 * AOF on from part of the data (its base written before the rest is loaded: lost at the next start), or leave it
 * on while CONFIG GET says no.
 */
class AofConfigWhileLoadingTest {
    private static final int KEYS = 400_000;
    private static final String LOADING = "-LOADING Redis is loading the dataset in memory\r\n";
    private Path dir;

    @BeforeEach
    void createDir() throws IOException {
        dir = Files.createTempDirectory("larder-aof-config");
    }

    @AfterEach
    void removeDir() throws IOException {
        AofTestSupport.deleteTree(dir);
    }

    @Test
    void theAofCannotBeTurnedOffWhileItLoads() throws Exception {
        Path aofDir = Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(aofDir.resolve("appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(aofDir.resolve("appendonly.aof.1.incr.aof")))) {
            out.write(command("SELECT", "0"));
            for (int i = 0; i < KEYS; i++) {
                out.write(command("SET", "key:" + i, "value:" + i));
            }
        }
        try (LarderServer s = LarderServer.start("--dir", dir.toString(), "--appendonly", "yes",
                "--enable-protected-configs", "yes");
             RawClient c = new RawClient(s.port())) {
            assertThat(c.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo(LOADING);
            assertThat(c.callText("CONFIG", "SET", "maxmemory", "1000000000", "appendonly", "no")).isEqualTo(LOADING);
            assertThat(c.callText("CONFIG", "SET", "dir", dir.toString())).isEqualTo(LOADING);
            assertThat(c.callText("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo("+OK\r\n");
            assertThat(c.callText("CONFIG", "GET", "maxmemory")).isEqualTo("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
            assertThat(s.node().persistence().loading()).as("the load lasted as long as the commands above").isTrue();
            awaitLoaded(s);
            assertThat(AofTestSupport.infoField(c, "aof_enabled")).isEqualTo(1);
            assertThat(c.callText("CONFIG", "GET", "appendonly")).isEqualTo("*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n");
            c.call("SET", "after", "load");
            assertThat(c.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo("+OK\r\n"); // once loaded it can
            assertThat(AofTestSupport.infoField(c, "aof_enabled")).isEqualTo(0);
        }
        try (LarderServer s = LarderServer.start("--dir", dir.toString(), "--appendonly", "yes");
             RawClient c = new RawClient(s.port())) {
            awaitLoaded(s);
            assertThat(c.callText("DBSIZE")).isEqualTo(":" + (KEYS + 1) + "\r\n");
            assertThat(c.callText("GET", "after")).isEqualTo("$4\r\nload\r\n");
        }
    }

    @Test
    void theAofCannotBeTurnedOnWhileAnRdbLoads() throws Exception {
        Keyspace keyspace = new Keyspace(16, System::currentTimeMillis);
        keyspace.lockAll();
        try {
            for (int i = 0; i < KEYS; i++) {
                keyspace.db(0).put(("key:" + i).getBytes(StandardCharsets.US_ASCII),
                        ("value:" + i).getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            keyspace.unlockAll();
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("dump.rdb")))) {
            new RdbSnapshot(keyspace, RdbTypes.VERSION, true).writeTo(out, Map.of(), true);
        }
        try (LarderServer s = LarderServer.start("--dir", dir.toString());
             RawClient c = new RawClient(s.port())) {
            assertThat(c.callText("CONFIG", "SET", "appendonly", "yes")).isEqualTo(LOADING);
            assertThat(s.node().persistence().loading()).as("the load lasted as long as the command above").isTrue();
            assertThat(AofTestSupport.infoField(c, "aof_enabled")).isEqualTo(0);
            awaitLoaded(s);
            assertThat(Files.exists(dir.resolve("appendonlydir"))).isFalse();
            assertThat(c.callText("CONFIG", "SET", "appendonly", "yes")).isEqualTo("+OK\r\n");
            long deadline = System.currentTimeMillis() + 30_000;
            while (AofTestSupport.infoField(c, "aof_rewrite_in_progress") == 1 && System.currentTimeMillis() < deadline) {
                AofTestSupport.sleep(20);
            }
            assertThat(AofTestSupport.infoField(c, "aof_rewrite_in_progress")).isZero();
        }
        Files.delete(dir.resolve("dump.rdb")); // the AOF alone has the data
        try (LarderServer s = LarderServer.start("--dir", dir.toString(), "--appendonly", "yes");
             RawClient c = new RawClient(s.port())) {
            awaitLoaded(s);
            assertThat(c.callText("DBSIZE")).isEqualTo(":" + KEYS + "\r\n");
        }
    }

    private static void awaitLoaded(LarderServer s) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (s.node().persistence().loading() && System.currentTimeMillis() < deadline) {
            AofTestSupport.sleep(10);
        }
        assertThat(s.node().persistence().loading()).as("still loading").isFalse();
    }

    private static byte[] command(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
