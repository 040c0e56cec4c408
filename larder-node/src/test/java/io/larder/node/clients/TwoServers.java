package io.larder.node.clients;

import io.larder.node.testing.OracleTestBase;

import java.util.UUID;
import java.util.stream.Stream;

/**
 * Base of the real-client tests: each test runs once against redis-server and once against Larder
 * ({@code @MethodSource("targets")}), with keys under a prefix of its own so tests need no FLUSHALL.
 */
abstract class TwoServers extends OracleTestBase {
    /**
     * redis-server 7.0 (the oracle here) has no CLIENT SETINFO, so the clients' library names appear only on
     * Larder, which implements Redis 7.2.
     */
    Stream<Target> targets() {
        return Stream.of(new Target("redis-server", redis.port(), false), new Target("larder", larder.port(), true));
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
