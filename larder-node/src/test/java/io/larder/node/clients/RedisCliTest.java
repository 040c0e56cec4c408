package io.larder.node.clients;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The redis-cli binary, run as a user would: one-shot commands, --pipe mass insertion, -3, --scan. */
class RedisCliTest extends TwoServers {
    private static final String REDIS_CLI = "/usr/bin/redis-cli";

    private record Result(int exit, String out) {
    }

    @ParameterizedTest
    @MethodSource("targets")
    void oneShotCommands(Target target) throws Exception {
        String p = prefix();
        assertThat(cli(target, null, "set", p + "k", "hello world")).isEqualTo(new Result(0, "OK\n"));
        assertThat(cli(target, null, "get", p + "k")).isEqualTo(new Result(0, "hello world\n"));
        assertThat(cli(target, null, "exists", p + "k", p + "nope")).isEqualTo(new Result(0, "1\n"));
        assertThat(cli(target, null, "ping")).isEqualTo(new Result(0, "PONG\n"));
        assertThat(cli(target, null, "-n", "1", "get", p + "k")).isEqualTo(new Result(0, "\n"));
        assertThat(cli(target, null, "del", p + "k")).isEqualTo(new Result(0, "1\n"));
        assertThat(cli(target, null, "--no-raw", "get", p + "k")).isEqualTo(new Result(0, "(nil)\n"));
        assertThat(cli(target, null, "--no-raw", "set", p + "k")).isEqualTo(
                new Result(0, "(error) ERR wrong number of arguments for 'set' command\n"));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void pipeMassInsertion(Target target) throws Exception {
        String p = prefix();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            in.writeBytes(io.larder.node.testing.RawClient.encode(b("SET"), b(p + i), b("value-" + i)));
        }
        Result r = cli(target, in.toByteArray(), "--pipe");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).endsWith("errors: 0, replies: 10000\n");
        assertThat(cli(target, null, "get", p + "9999").out()).isEqualTo("value-9999\n");
        assertThat(cli(target, null, "exists", p + "0", p + "5000", p + "9999", p + "10000").out()).isEqualTo("3\n");
    }

    @ParameterizedTest
    @MethodSource("targets")
    void resp3Mode(Target target) throws Exception {
        String p = prefix();
        assertThat(cli(target, null, "-3", "set", p + "k", "v")).isEqualTo(new Result(0, "OK\n"));
        assertThat(cli(target, null, "-3", "get", p + "k")).isEqualTo(new Result(0, "v\n"));
        assertThat(cli(target, null, "-3", "--no-raw", "get", p + "nope")).isEqualTo(new Result(0, "(nil)\n"));
        Result info = cli(target, null, "-3", "client", "info");
        assertThat(info.out()).containsPattern("(^| )resp=3\\s");
    }

    @ParameterizedTest
    @MethodSource("targets")
    void scan(Target target) throws Exception {
        String p = prefix();
        Set<String> expected = new TreeSet<>();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            in.writeBytes(io.larder.node.testing.RawClient.encode(b("SET"), b(p + "user:" + i), b("x")));
            expected.add(p + "user:" + i);
            in.writeBytes(io.larder.node.testing.RawClient.encode(b("SET"), b(p + "other:" + i), b("x")));
        }
        assertThat(cli(target, in.toByteArray(), "--pipe").out()).endsWith("errors: 0, replies: 600\n");
        Result r = cli(target, null, "--scan", "--pattern", p + "user:*");
        assertThat(r.exit()).isZero();
        assertThat(new TreeSet<>(List.of(r.out().split("\n")))).isEqualTo(expected);
    }

    private static Result cli(Target target, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(REDIS_CLI, "-h", "127.0.0.1", "-p", String.valueOf(target.port())));
        cmd.addAll(List.of(args));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (var out = proc.getOutputStream()) {
                if (stdin != null) {
                    out.write(stdin);
                }
            } catch (IOException e) {
                // redis-cli exited early; its output says why
            }
        });
        byte[] out = proc.getInputStream().readAllBytes();
        assertThat(proc.waitFor(30, TimeUnit.SECONDS)).as("redis-cli finished").isTrue();
        feeder.join();
        return new Result(proc.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
