package io.larder.node.acl;

import io.larder.auth.AuthToken;
import io.larder.auth.TokenKeys;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded guessing loop (4 connections, pipelined wrong logins) next to a well-behaved client: every guess
 * fails, the well-behaved client is served correctly throughout, and the guessing shows in ACL LOG (one entry,
 * merged, with its count) and INFO stats. Latency figures are printed, not asserted (this machine's cores are
 * shared), next to those under the same load of PINGs for reference.
 */
class CredentialGuessingTest {
    private static final int CONNECTIONS = 4;
    private static final int PIPELINE = 100;
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    @TempDir
    Path dir;

    @Test
    void passwordGuessing() throws Exception {
        try (LarderServer server = LarderServer.start(); RawClient admin = new RawClient(server.port())) {
            assertThat(admin.callText("ACL", "SETUSER", "app", "on", ">correct horse battery staple", "~*", "+@all"))
                    .isEqualTo("+OK\r\n");
            int perConnection = 5_000;
            // Twice each: the first round also measures the JIT compiling the paths.
            for (int round = 1; round <= 2; round++) {
                load(server, "round " + round + ", reference PINGs", perConnection, i -> command("PING"),
                        "+PONG\r\n");
                load(server, "round " + round + ", wrong passwords", perConnection,
                        i -> command("AUTH", "app", "guess-" + i), WRONGPASS);
                assertGuessesShow(admin, round * CONNECTIONS * perConnection, "AUTH");
            }
        }
    }

    @Test
    void tokenGuessing() throws Exception {
        Path pub = Files.writeString(dir.resolve("k.pub"), TokenKeys.publicPem(TokenKeys.generate().getPublic()));
        try (LarderServer server = LarderServer.start("--larder-token-users", "app", "--larder-token-public-key-file",
                pub.toString()); RawClient admin = new RawClient(server.port())) {
            assertThat(admin.callText("ACL", "SETUSER", "app", "on", "~*", "+@all")).isEqualTo("+OK\r\n");
            // Well-formed tokens signed by a key the node does not trust: each costs a signature check.
            PrivateKey forger = TokenKeys.generate().getPrivate();
            byte[][] forged = new byte[PIPELINE][];
            for (int i = 0; i < PIPELINE; i++) {
                forged[i] = command("AUTH", "app", AuthToken.mint(forger, "app", 800 + i, System.currentTimeMillis()));
            }
            int perConnection = 1_000;
            load(server, "forged tokens", perConnection, i -> forged[i % PIPELINE], WRONGPASS);
            assertGuessesShow(admin, CONNECTIONS * perConnection, "AUTH: bad token signature");
        }
    }

    private static void assertGuessesShow(RawClient admin, int total, String loggedObject) throws Exception {
        String log = admin.callText("ACL", "LOG");
        // One entry, all the guesses merged into it, as Redis groups similar denials.
        assertThat(log).startsWith("*1\r\n").contains("$5\r\ncount\r\n:" + total + "\r\n",
                "$6\r\nreason\r\n$4\r\nauth\r\n",
                "$6\r\nobject\r\n$" + loggedObject.length() + "\r\n" + loggedObject + "\r\n",
                "$8\r\nusername\r\n$3\r\napp\r\n");
        assertThat(admin.callText("INFO", "stats")).contains("acl_access_denied_auth:" + total + "\r\n");
    }

    /**
     * Sends {@code perConnection} commands from each of 4 connections, pipelined by 100, every reply checked,
     * while a well-behaved client runs SET/GET round trips; prints the figures.
     */
    private static void load(LarderServer server, String label, int perConnection, IntFunction<byte[]> command,
                             String expectedReply) throws Exception {
        try (RawClient good = new RawClient(server.port())) {
            long[] baseline = wellBehaved(good, new AtomicBoolean(false), 3_000);
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS + 1);
            List<Future<Integer>> senders = new ArrayList<>();
            long start = System.nanoTime();
            for (int a = 0; a < CONNECTIONS; a++) {
                senders.add(pool.submit(() -> send(server.port(), perConnection, command, expectedReply)));
            }
            Future<long[]> during = pool.submit(() -> wellBehaved(good, running, 1));
            int expected = 0;
            for (Future<Integer> f : senders) {
                expected += f.get();
            }
            long nanos = System.nanoTime() - start;
            running.set(false);
            long[] loaded = during.get();
            pool.shutdown();
            int total = CONNECTIONS * perConnection;
            assertThat(expected).isEqualTo(total);
            System.out.printf("%s: %,d commands from %d connections in %d ms (%,.0f/s); well-behaved SET+GET round "
                            + "trip median/p99 %s/%s us before, %s/%s us during (%d round trips)%n",
                    label, total, CONNECTIONS, nanos / 1_000_000, total / (nanos / 1e9), micros(baseline, 50),
                    micros(baseline, 99), micros(loaded, 50), micros(loaded, 99), loaded.length);
        }
    }

    private static byte[] command(String... args) {
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return RawClient.encode(raw);
    }

    /** Pipelined commands on a connection of its own; how many got the expected reply. */
    private static int send(int port, int count, IntFunction<byte[]> command, String expectedReply)
            throws Exception {
        int matching = 0;
        try (RawClient c = new RawClient(port)) {
            for (int sent = 0; sent < count; sent += PIPELINE) {
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < PIPELINE; i++) {
                    batch.writeBytes(command.apply(sent + i));
                }
                c.sendRaw(batch.toByteArray());
                for (int i = 0; i < PIPELINE; i++) {
                    if (new String(c.readReply(), StandardCharsets.UTF_8).equals(expectedReply)) {
                        matching++;
                    }
                }
            }
        }
        return matching;
    }

    /** SET then GET round trips, at least {@code minimum} and then while {@code running}; each pair's nanoseconds. */
    private static long[] wellBehaved(RawClient c, AtomicBoolean running, int minimum) throws Exception {
        long[] samples = new long[1 << 20];
        int n = 0;
        while ((n < minimum || running.get()) && n < samples.length) {
            String value = "v" + n;
            long t0 = System.nanoTime();
            assertThat(c.callText("SET", "k", value)).isEqualTo("+OK\r\n");
            assertThat(c.callText("GET", "k")).isEqualTo("$" + value.length() + "\r\n" + value + "\r\n");
            samples[n++] = System.nanoTime() - t0;
        }
        long[] taken = Arrays.copyOf(samples, n);
        Arrays.sort(taken);
        return taken;
    }

    private static String micros(long[] sorted, int percentile) {
        return Long.toString(sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1000);
    }
}
