package io.larder.control.metrics;

import io.larder.control.model.Engine;
import io.larder.control.security.NodeSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a real Redis (the oracle, redis-server) and maps commandstats to GetTypeCmds / SetTypeCmds. */
class NodeStatsTest {
    private Process redis;
    private int port;

    @BeforeEach
    void startRedis() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--requirepass", "secret-token-1234").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers()) {
            assertThat(System.nanoTime()).as("redis-server answers").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterEach
    void stopRedis() throws InterruptedException {
        redis.destroy();
        redis.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void readAndWriteCommandsAreCountedFromCommandstats() throws Exception {
        send("AUTH", "secret-token-1234");
        send("SET", "a", "1");
        send("SET", "b", "2");
        send("HSET", "h", "f", "v");
        send("GET", "a");
        send("MGET", "a", "b");
        send("HGET", "h", "f");
        send("CONFIG", "GET", "maxmemory");
        NodeStats stats = new NodeStats(2000, new NodeSecurity(java.nio.file.Path.of("unused")));
        Map<String, Double> raw = stats.read(Engine.REDIS, "127.0.0.1", port, "secret-token-1234", false);
        Map<String, Double> m = CloudWatchMetrics.of(Engine.REDIS, raw);
        // CONFIG GET and AUTH are neither; INFO and COMMAND LIST (the reading itself) are neither either.
        assertThat(m).containsEntry("GetTypeCmds", 3.0).containsEntry("SetTypeCmds", 3.0);
        assertThat(raw).containsKey("used_cpu_user").containsKey("used_cpu_sys");

        send("GET", "a");
        Map<String, Double> again = CloudWatchMetrics.of(Engine.REDIS, stats.read(Engine.REDIS, "127.0.0.1", port,
                "secret-token-1234", false));
        assertThat(again).as("the command kinds were learnt once").containsEntry("GetTypeCmds", 4.0)
                .containsEntry("SetTypeCmds", 3.0);
        assertThat(CloudWatchMetrics.cumulative("GetTypeCmds")).isTrue();
    }

    private boolean answers() {
        try {
            return send("PING").startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    /** One command on its own connection (authenticated first unless it is AUTH or PING); the reply's first line. */
    private String send(String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            StringBuilder sb = new StringBuilder();
            boolean auth = !args[0].equals("AUTH") && !args[0].equals("PING");
            if (auth) {
                sb.append(resp("AUTH", "secret-token-1234"));
            }
            sb.append(resp(args));
            s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            if (auth) {
                line(in);
            }
            return line(in);
        }
    }

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n' && c != -1; c = in.read()) {
            sb.append((char) c);
        }
        return sb.toString().strip();
    }
}
