package io.larder.node.persistence;

import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.node.testing.JedisOracleTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.larder.node.persistence.DumpRestoreInteropTest.DEBUG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RDB files between Redis 7.0 and Larder: Larder loads what Redis saves; Redis 7.0 loads what Larder writes at
 * version 10 (it refuses 11, Larder's default, as it refuses Redis 7.2's files); Larder reloads its own files.
 * Equality is DEBUG DIGEST over all databases, XINFO STREAM FULL for each stream (groups are not in the
 * digest) and FUNCTION LIST WITHCODE for the function libraries.
 */
class RdbFileInteropTest extends JedisOracleTestBase {
    @Override
    protected String[] serverOptions() {
        return new String[]{"--enable-debug-command", "yes"};
    }

    /** The interop dataset in databases 0, 3 and 15, plus more keys with TTLs. */
    private static void fill(Jedis j) {
        for (int db : new int[]{0, 3, 15}) {
            j.select(db);
            DumpRestoreInteropTest.dataset(j);
            for (int i = 0; i < 200; i++) {
                j.psetex("ttl:" + i, 1_000_000 + i, "v" + i);
            }
        }
        j.select(0);
    }

    private static final String LIBRARY = "#!lua name=lib\nredis.register_function('one', function() return 1 end)";

    static String functions(Jedis j) {
        return String.valueOf(render(j.sendCommand(Protocol.Command.FUNCTION, "LIST", "WITHCODE")));
    }

    private static Object render(Object reply) {
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (reply instanceof List<?> list) {
            return list.stream().map(RdbFileInteropTest::render).toList();
        }
        return reply;
    }

    static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(DEBUG, "DIGEST"), StandardCharsets.US_ASCII);
    }

    private static Path dir(Jedis j) {
        return Path.of(j.configGet("dir").get("dir"));
    }

    static LarderServer startLoaded(Path dir, String... more) throws Exception {
        List<String> options = new java.util.ArrayList<>(List.of("--dir", dir.toString(), "--enable-debug-command", "yes"));
        options.addAll(List.of(more));
        LarderServer server = LarderServer.start(options.toArray(new String[0]));
        long deadline = System.currentTimeMillis() + 30_000;
        while (server.node().persistence().loading() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return server;
    }

    @Test
    void larderLoadsWhatRedisSaves() throws Exception {
        fill(oracle);
        StreamDataset.fill(oracle);
        oracle.configSet("rdbcompression", "yes");
        oracle.functionFlush();
        // a function library goes into the file as a FUNCTION2 record
        oracle.functionLoad(LIBRARY);
        assertThat(oracle.save()).isEqualTo("OK");
        try (LarderServer loaded = startLoaded(dir(oracle)); Jedis j = new Jedis("127.0.0.1", loaded.port())) {
            assertThat(j.dbSize()).isEqualTo(oracle.dbSize());
            assertThat(digest(j)).isEqualTo(digest(oracle));
            StreamDataset.assertSame(oracle, j, true);
            assertThat(functions(j)).contains("lib").isEqualTo(functions(oracle));
            assertThat(j.fcall("one", List.of(), List.of())).isEqualTo(1L);
            assertThat(j.info("persistence"))
                    .contains("rdb_last_load_keys_loaded:" + (3 * (16 + 200) + StreamDataset.KEYS.size()));
        }
        oracle.functionFlush();
    }

    @Test
    void redis70LoadsWhatLarderWritesAtVersion10() throws Exception {
        fill(ours);
        StreamDataset.fill(ours);
        ours.functionLoad(LIBRARY);
        Path dir = Files.createTempDirectory("larder-v10-");
        try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
            new RdbSnapshot(larder.node().keyspace(), RdbTypes.VERSION_7_0, true)
                    .writeTo(out, Map.of("redis-ver", "7.2.4".getBytes()), larder.node().persistence().libraryCodes(),
                            true);
        } finally {
            ours.functionFlush();
        }
        RedisServerProcess redis70 = RedisServerProcess.start("--dir", dir.toString(), "--enable-debug-command", "yes");
        try (Jedis j = new Jedis("127.0.0.1", redis70.port())) {
            assertThat(digest(j)).isEqualTo(digest(ours));
            StreamDataset.assertSame(ours, j, true);
            assertThat(j.fcall("one", List.of(), List.of())).isEqualTo(1L);
        } finally {
            redis70.close();
        }
    }

    @Test
    void redis70RefusesVersion11AsItRefusesRedis72Files() throws Exception {
        ours.set("k", "v");
        assertThat(ours.save()).isEqualTo("OK");
        Path file = dir(ours).resolve("dump.rdb");
        assertThat(new String(Files.readAllBytes(file), 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0011");
        Process check = new ProcessBuilder("/usr/bin/redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).isNotZero();
        assertThat(output).contains("Can't handle RDB format version 11");
    }

    @Test
    void larderReloadsItsOwnFileAfterRestart() throws Exception {
        fill(ours);
        for (int db = 0; db < 16; db++) {
            ours.select(db);
            ours.set("db", Integer.toString(db));
        }
        ours.select(0);
        StreamDataset.fill(ours);
        ours.functionLoad(LIBRARY);
        String before = digest(ours);
        String functionsBefore = functions(ours);
        try {
            assertThat(ours.save()).isEqualTo("OK");
        } finally {
            ours.functionFlush();
        }
        try (LarderServer again = startLoaded(dir(ours)); Jedis j = new Jedis("127.0.0.1", again.port())) {
            assertThat(digest(j)).isEqualTo(before);
            assertThat(j.pttl("ttl:5")).isBetween(990_000L, 1_000_005L);
            StreamDataset.assertSame(ours, j, false);
            assertThat(functions(j)).isEqualTo(functionsBefore);
        }
    }

    @Test
    void debugReloadKeepsTheDataset() {
        fill(ours);
        StreamDataset.fill(ours);
        String streams = StreamDataset.info(ours, "s:groups", false);
        String before = digest(ours);
        assertThat(new String((byte[]) ours.sendCommand(DEBUG, "RELOAD"), StandardCharsets.US_ASCII)).isEqualTo("OK");
        assertThat(digest(ours)).isEqualTo(before);
        assertThat(StreamDataset.info(ours, "s:groups", false)).isEqualTo(streams);
    }

    @Test
    void truncatedOrCorruptFilesAreRefusedAtStartUp() throws Exception {
        fill(ours);
        assertThat(ours.save()).isEqualTo("OK");
        byte[] good = Files.readAllBytes(dir(ours).resolve("dump.rdb"));
        for (int variant = 0; variant < 3; variant++) {
            Path dir = Files.createTempDirectory("larder-bad-");
            byte[] bad = switch (variant) {
                case 0 -> java.util.Arrays.copyOf(good, good.length / 2);   // truncated
                case 1 -> java.util.Arrays.copyOf(good, good.length - 3);   // torn checksum
                default -> {
                    byte[] b = good.clone();
                    b[good.length / 2] ^= 0x01;                             // one flipped bit
                    yield b;
                }
            };
            Files.write(dir.resolve("dump.rdb"), bad);
            try (LarderServer refused = startLoaded(dir)) {
                // Redis exits when its RDB cannot be loaded; an embedded node closes its listeners
                assertThat(canConnect(refused.port())).as("variant " + variant).isFalse();
            }
            assertThat(Files.readAllBytes(dir.resolve("dump.rdb"))).as("file left as it was").isEqualTo(bad);
        }
    }

    private static boolean canConnect(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
