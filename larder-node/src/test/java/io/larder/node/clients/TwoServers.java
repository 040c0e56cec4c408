package io.larder.node.clients;

import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of the real-client tests: each test runs once against redis-server and once against Larder
 * ({@code @MethodSource("targets")}), with keys under a prefix of its own so tests need no FLUSHALL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoServers {
    private Target redis;
    private Target larder;

    @BeforeAll
    void startServers() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed (apt-get install redis-server)");
        redis = Target.redis();
        larder = Target.larder();
    }

    @AfterAll
    void stopServers() throws Exception {
        if (larder != null) {
            larder.stop();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    Stream<Target> targets() {
        return Stream.of(redis, larder);
    }

    static String prefix() {
        return "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Waits until the server lists a connection that satisfies {@code check} (handshakes finish asynchronously). */
    static Target.Connection awaitConnection(Target target, java.util.function.Predicate<Target.Connection> check)
            throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        java.util.List<Target.Connection> seen = java.util.List.of();
        while (System.currentTimeMillis() < deadline) {
            seen = target.otherConnections();
            for (Target.Connection c : seen) {
                if (check.test(c)) {
                    return c;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching connection on " + target + "; CLIENT LIST shows " + seen);
    }
}
