package io.larder.node.connection;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.server.Tracking;
import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracking costs writes nothing while it is not needed: the keyspace is told of modifications only while a client
 * tracks or the tracking table still holds keys (which a later write must invalidate, as in Redis, even after
 * their reader left).
 */
class TrackingCostTest extends LarderTestBase {
    @Test
    void modificationsAreFollowedOnlyWhileSomethingIsTracked() throws Exception {
        Keyspace keyspace = larder.node().keyspace();
        Tracking tracking = larder.node().tracking();
        try (RawClient writer = new RawClient(larder.port())) {
            assertThat(keyspace.wantsModifications()).isFalse();
            try (RawClient reader = new RawClient(larder.port())) {
                reader.call("CLIENT", "TRACKING", "ON");
                assertThat(keyspace.wantsModifications()).isTrue();
                reader.call("MGET", "a", "b");
                assertThat(tracking.totalKeys()).isEqualTo(2);
            }
            await(() -> tracking.trackingClients() == 0);
            // The reader left, its keys stay until written (Redis drops ids lazily): still followed.
            assertThat(keyspace.wantsModifications()).isTrue();
            writer.call("SET", "a", "1");
            assertThat(tracking.totalKeys()).isEqualTo(1);
            assertThat(keyspace.wantsModifications()).isTrue();
            writer.call("SET", "b", "2");
            assertThat(tracking.totalKeys()).isZero();
            assertThat(keyspace.wantsModifications()).isFalse();

            try (RawClient reader = new RawClient(larder.port())) {
                reader.call("CLIENT", "TRACKING", "ON");
                reader.call("GET", "a");
                reader.call("CLIENT", "TRACKING", "OFF");
                assertThat(keyspace.wantsModifications()).isTrue();
                writer.call("FLUSHALL");
                assertThat(keyspace.wantsModifications()).isFalse();
            }
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
