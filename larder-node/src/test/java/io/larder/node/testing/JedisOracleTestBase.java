package io.larder.node.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.Jedis;

import java.util.function.Consumer;

/** An {@link OracleTestBase} with a Jedis connection to each server, both flushed before every test. */
public abstract class JedisOracleTestBase extends OracleTestBase {
    protected Jedis oracle;
    protected Jedis ours;

    @BeforeAll
    void connect() {
        oracle = new Jedis("127.0.0.1", redis.port());
        ours = new Jedis("127.0.0.1", larder.port());
    }

    @AfterAll
    void disconnect() {
        if (ours != null) {
            ours.close();
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    @BeforeEach
    void flushBoth() {
        oracle.flushAll();
        ours.flushAll();
    }

    /** Runs the same calls against both servers. */
    protected void both(Consumer<Jedis> action) {
        action.accept(oracle);
        action.accept(ours);
    }
}
