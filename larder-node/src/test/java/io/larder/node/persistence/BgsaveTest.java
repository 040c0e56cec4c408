package io.larder.node.persistence;

import io.larder.engine.rdb.RdbReader;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** BGSAVE is a point-in-time image while writes go on, and a crash during it leaves the previous file whole. */
class BgsaveTest {
    private static final int KEYS = 100_000;

    private static void preload(Jedis j, int keys, String prefix) {
        Pipeline p = j.pipelined();
        for (int i = 0; i < keys; i++) {
            p.set(prefix + i, "0");
            if (i % 5000 == 4999) {
                p.sync();
            }
        }
        p.sync();
    }

    private static boolean bgsaveRunning(Jedis j) {
        return j.info("persistence").contains("rdb_bgsave_in_progress:1");
    }

    /**
     * Writers move units between random keys in transactions (the sum of all values stays 0) while BGSAVE runs;
     * a snapshot that mixed moments would see a unit taken from one key and not yet given to another.
     */
    @Test
    void snapshotIsConsistentUnderConcurrentTransfers() throws Exception {
        try (LarderServer server = LarderServer.start(); Jedis admin = new Jedis("127.0.0.1", server.port())) {
            preload(admin, KEYS, "k:");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong duringSave = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int seed = w;
                Thread t = new Thread(() -> {
                    Random random = new Random(seed);
                    try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                        while (!stop.get()) {
                            int amount = 1 + random.nextInt(9);
                            Transaction tx = j.multi();
                            tx.decrBy("k:" + random.nextInt(KEYS), amount);
                            tx.incrBy("k:" + random.nextInt(KEYS), amount);
                            tx.exec();
                            if (server.node().persistence().bgsaveInProgress()) {
                                duringSave.incrementAndGet();
                            }
                        }
                    }
                });
                t.start();
                writers.add(t);
            }
            Thread.sleep(200);
            assertThat(admin.bgsave()).isEqualTo("Background saving started");
            if (bgsaveRunning(admin)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(admin::bgsave)
                        .hasMessage("ERR Background save already in progress");
            }
            while (bgsaveRunning(admin)) {
                Thread.sleep(5);
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            String info = admin.info("persistence");
            assertThat(info).contains("rdb_last_bgsave_status:ok");
            assertThat(duringSave.get()).as("transfers while the save ran").isPositive();

            long[] sum = {0};
            long[] keys = {0};
            Path file = Path.of(admin.configGet("dir").get("dir")).resolve("dump.rdb");
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
                RdbReader.read(in, server.node().persistence().limits(), 16, true, (db, key, value, at, idle) -> {
                    sum[0] += Long.parseLong(new String((byte[]) value, StandardCharsets.US_ASCII));
                    keys[0]++;
                });
            }
            assertThat(keys[0]).isEqualTo(KEYS);
            assertThat(sum[0]).isZero();
        }
    }

    /** kill -9 of the node at random moments of a BGSAVE: the file on disk is always the previous complete one. */
    @Test
    void killDuringBgsaveLeavesThePreviousFile() throws Exception {
        Path dir = Files.createTempDirectory("larder-kill-");
        Random random = new Random(5);
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int round = 0; round < 3; round++) {
            int port = RedisServerProcess.freePort();
            Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.larder.node.server.NodeMain", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--enable-debug-command", "yes")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
            try (Jedis j = awaitNode(port)) {
                awaitLoaded(j);
                j.flushAll();
                preload(j, KEYS, "round" + round + ":");
                assertThat(j.save()).isEqualTo("OK");
                String saved = RdbFileInteropTest.digest(j);
                preload(j, KEYS, "after" + round + ":");
                assertThat(j.bgsave()).isEqualTo("Background saving started");
                Thread.sleep(random.nextInt(150));
                node.destroyForcibly().waitFor();
                try (LarderServer reloaded = RdbFileInteropTest.startLoaded(dir);
                     Jedis r = new Jedis("127.0.0.1", reloaded.port(), 60_000)) {
                    String digest = RdbFileInteropTest.digest(r);
                    // the BGSAVE may have finished before the kill: then its image is the one on disk
                    if (!digest.equals(saved)) {
                        assertThat(r.dbSize()).isEqualTo(2L * KEYS);
                    } else {
                        assertThat(r.dbSize()).isEqualTo(KEYS);
                    }
                }
            } finally {
                node.destroyForcibly().waitFor();
            }
        }
    }

    /** SIGTERM saves when save points are configured, as Redis does. */
    @Test
    void sigtermSavesWithSavePoints() throws Exception {
        Path dir = Files.createTempDirectory("larder-term-");
        String java = ProcessHandle.current().info().command().orElse("java");
        int port = RedisServerProcess.freePort();
        Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.larder.node.server.NodeMain", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "3600 1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
        try (Jedis j = awaitNode(port)) {
            j.set("k", "v");
        }
        node.destroy(); // SIGTERM
        node.waitFor(); // 143 from the JVM's signal exit (Redis exits 0 there)
        assertThat(Files.readString(dir.resolve("node.log"))).contains("DB saved on disk");
        try (LarderServer reloaded = RdbFileInteropTest.startLoaded(dir);
             Jedis r = new Jedis("127.0.0.1", reloaded.port())) {
            assertThat(r.get("k")).isEqualTo("v");
        }
    }

    private static Jedis awaitNode(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                Jedis j = new Jedis("127.0.0.1", port, 60_000); // DEBUG DIGEST of 200,000 keys on a busy machine
                j.ping();
                return j;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void awaitLoaded(Jedis j) throws InterruptedException {
        while (j.info("persistence").contains("loading:1")) {
            Thread.sleep(10);
        }
    }
}
