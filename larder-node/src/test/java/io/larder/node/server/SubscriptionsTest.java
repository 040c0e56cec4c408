package io.larder.node.server;

import io.larder.engine.util.Clock;
import io.larder.node.config.ServerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The client-output-buffer-limit rule for subscribers, with time given explicitly. */
class SubscriptionsTest {
    private static PubSub.OutputLimit limit(String config) {
        return new PubSub.OutputLimit(config);
    }

    @Test
    void hardLimitDisconnectsAtOnce() {
        Subscriptions s = new Subscriptions();
        PubSub.OutputLimit l = limit("normal 0 0 0 slave 0 0 0 pubsub 1000 0 0");
        assertThat(s.overLimit(999, l, 0)).isFalse();
        assertThat(s.overLimit(1000, l, 0)).isTrue();
        assertThat(s.overLimit(5000, l, 0)).isTrue();
    }

    @Test
    void softLimitDisconnectsOnlyAfterStayingOverForMoreThanTheSeconds() {
        Subscriptions s = new Subscriptions();
        PubSub.OutputLimit l = limit("pubsub 0 100 2");
        long t = 1_000_000;
        assertThat(s.overLimit(100, l, t)).isFalse();        // first seen over: the clock starts
        assertThat(s.overLimit(500, l, t + 2000)).isFalse(); // two seconds is not more than two
        assertThat(s.overLimit(500, l, t + 2999)).isFalse();
        assertThat(s.overLimit(500, l, t + 3000)).isTrue();
    }

    @Test
    void droppingUnderTheSoftLimitRestartsTheClock() {
        Subscriptions s = new Subscriptions();
        PubSub.OutputLimit l = limit("pubsub 0 100 1");
        assertThat(s.overLimit(200, l, 0)).isFalse();
        assertThat(s.overLimit(50, l, 1500)).isFalse();
        assertThat(s.overLimit(200, l, 2500)).isFalse();
        assertThat(s.overLimit(200, l, 4000)).isFalse();
        assertThat(s.overLimit(200, l, 4500)).isTrue();
    }

    @Test
    void zeroMeansNoLimit() {
        Subscriptions s = new Subscriptions();
        PubSub.OutputLimit l = limit("pubsub 0 0 0");
        assertThat(s.overLimit(Long.MAX_VALUE, l, 0)).isFalse();
        assertThat(s.overLimit(Long.MAX_VALUE, l, 100_000)).isFalse();
    }

    @Test
    void limitsFollowTheConfiguration() throws Exception {
        ServerConfig config = new ServerConfig();
        Node node = new Node(config, Clock.SYSTEM);
        PubSub.OutputLimit l = node.pubsub().outputLimit();
        assertThat(new long[]{l.hard, l.soft, l.softSeconds}).containsExactly(33554432, 8388608, 60);
        config.find("client-output-buffer-limit").set("pubsub 2mb 1mb 10");
        assertThat(new long[]{l.hard, l.soft, l.softSeconds}).containsExactly(2097152, 1048576, 10);
        // Other classes leave the pubsub limits alone.
        config.find("client-output-buffer-limit").set("normal 1mb 1mb 1");
        assertThat(new long[]{l.hard, l.soft, l.softSeconds}).containsExactly(2097152, 1048576, 10);
    }
}
