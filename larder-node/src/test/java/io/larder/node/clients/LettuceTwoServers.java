package io.larder.node.clients;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** {@link TwoServers} with one Lettuce {@link RedisClient} for the whole test class. */
abstract class LettuceTwoServers extends TwoServers {
    protected RedisClient lettuce;

    @BeforeAll
    void createClient() {
        lettuce = RedisClient.create();
    }

    @AfterAll
    void shutdownClient() {
        lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
