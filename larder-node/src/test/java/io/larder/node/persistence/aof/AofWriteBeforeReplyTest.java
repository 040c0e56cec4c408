package io.larder.node.persistence.aof;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reply to a write leaves only once the write is in the AOF file (with appendfsync always also on disk, which
 * the kill -9 tests check), whichever thread writes it: the event loop that ran the command, at the end of its
 * turn, or the writer thread. Checked reply by reply from several connections at once, for single commands,
 * pipelines, transactions, scripts and blocked pops served by another connection's push; and the writes no reply
 * waits for (the cron's expiries) still reach the file by themselves.
 */
class AofWriteBeforeReplyTest {
    private static final int CONNECTIONS = 4;
    private static final int ROUNDS = 160;

    private Path dir;

    @BeforeEach
    void createDir() throws IOException {
        dir = Files.createTempDirectory("larder-aof-reply");
    }

    @AfterEach
    void removeDir() throws IOException {
        AofTestSupport.deleteTree(dir);
    }

    private LarderServer larder(String fsync) throws Exception {
        return LarderServer.start("--appendonly", "yes", "--appendfsync", fsync, "--dir", dir.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "everysec", "no"})
    void everyReplyToAWriteFindsTheWriteInTheFile(String fsync) throws Exception {
        try (LarderServer s = larder(fsync)) {
            AofTail file = new AofTail(AofTestSupport.lastIncr(dir));
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int id = 0; id < CONNECTIONS; id++) {
                    int me = id;
                    workers.add(pool.submit(() -> {
                        writeAndCheck(s.port(), me, file);
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One connection's rounds; a second connection of its own blocks on the lists the first pushes to. */
    private static void writeAndCheck(int port, int id, AofTail file) throws IOException {
        try (RawClient c = new RawClient(port); RawClient blocked = new RawClient(port)) {
            long counter = 0;
            for (int n = 0; n < ROUNDS; n++) {
                String key = "c" + id + ":" + n;
                switch (n % 4) {
                    case 0 -> {
                        // A pipeline mixing writes and reads: each reply in its place, each write in the file.
                        c.sendRaw(concat(RawClient.encode(bytes("SET"), bytes(key), bytes("v" + n)),
                                RawClient.encode(bytes("GET"), bytes(key)),
                                RawClient.encode(bytes("INCR"), bytes("ctr" + id))));
                        assertThat(text(c.readReply())).isEqualTo("+OK\r\n");
                        file.assertHas(command("SET", key, "v" + n));
                        assertThat(text(c.readReply())).isEqualTo("$" + ("v" + n).length() + "\r\nv" + n + "\r\n");
                        assertThat(text(c.readReply())).isEqualTo(":" + ++counter + "\r\n");
                        file.assertHas(command("INCR", "ctr" + id));
                    }
                    case 1 -> {
                        c.call("MULTI");
                        c.call("HSET", key, "f", "1");
                        c.call("SADD", key + ":set", "m");
                        assertThat(text(c.call("EXEC"))).isEqualTo("*2\r\n:1\r\n:1\r\n");
                        file.assertHas(command("SADD", key + ":set", "m"));
                    }
                    case 2 -> {
                        assertThat(text(c.call("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", key,
                                "s" + n))).isEqualTo("+OK\r\n");
                        file.assertHas(command("SET", key, "s" + n));
                    }
                    default -> {
                        // Served at once or after blocking: either way its reply follows its logged LPOP.
                        blocked.send(bytes("BLPOP"), bytes(key), bytes("10"));
                        assertThat(text(c.call("RPUSH", key, "x"))).isEqualTo(":1\r\n");
                        assertThat(text(blocked.readReply())).isEqualTo(
                                "*2\r\n$" + key.length() + "\r\n" + key + "\r\n$1\r\nx\r\n");
                        file.assertHas(command("LPOP", key));
                    }
                }
            }
        }
    }

    @Test
    void writesNoReplyWaitsForReachTheFileByThemselves() throws Exception {
        try (LarderServer s = larder("everysec"); RawClient c = new RawClient(s.port())) {
            AofTail file = new AofTail(AofTestSupport.lastIncr(dir));
            c.call("SET", "short", "v", "PX", "30");
            file.assertHas(command("SET", "short", "v", "PXAT"));
            // No command touches the key: the cron's expiry cycle deletes it and logs a DEL, which no reply waits
            // for; the writer thread writes it within 100 ms.
            long deadline = System.currentTimeMillis() + 10_000;
            while (!file.has(command("DEL", "short")) && System.currentTimeMillis() < deadline) {
                AofTestSupport.sleep(10);
            }
            file.assertHas(command("DEL", "short"));
        }
    }

    /** What has been written to an incremental file so far, read as it grows (shared by the connections). */
    private static final class AofTail {
        private final Path path;
        private final StringBuilder seen = new StringBuilder();
        private long read;

        AofTail(Path path) {
            this.path = path;
        }

        synchronized boolean has(String text) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
                long length = f.length();
                if (length > read) {
                    byte[] more = new byte[(int) (length - read)];
                    f.seek(read);
                    f.readFully(more);
                    seen.append(new String(more, StandardCharsets.ISO_8859_1));
                    read = length;
                }
            }
            return seen.indexOf(text) >= 0;
        }

        void assertHas(String text) throws IOException {
            assertThat(has(text)).as("the AOF has %s", text.replace("\r\n", " ")).isTrue();
        }
    }

    /** The start of a command as the AOF holds it (its first arguments; a prefix when more follow). */
    private static String command(String... args) {
        String whole = text(RawClient.encode(toBytes(args)));
        return whole.substring(whole.indexOf("\r\n") + 2); // without the array header: later arguments may follow
    }

    private static byte[][] toBytes(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = bytes(args[i]);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
