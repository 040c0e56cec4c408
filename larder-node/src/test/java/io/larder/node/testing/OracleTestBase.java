package io.larder.node.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that compare Larder with the real thing: a redis-server and a Larder node, both started once per test
 * class on free loopback ports with the same {@link #serverOptions()}, both stopped at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OracleTestBase {
    protected RedisServerProcess redis;
    protected LarderServer larder;

    /** redis-server style options both servers start with ("--name", "value", ...). */
    protected String[] serverOptions() {
        return new String[0];
    }

    @BeforeAll
    void startServers() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed (apt-get install redis-server)");
        redis = RedisServerProcess.start(serverOptions());
        larder = LarderServer.start(serverOptions());
    }

    @AfterAll
    void stopServers() {
        if (larder != null) {
            larder.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
