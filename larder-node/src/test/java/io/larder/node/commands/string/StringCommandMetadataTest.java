package io.larder.node.commands.string;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.larder.node.testing.CommandMetadataAssert;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The registered metadata of every string command against redis-server's COMMAND INFO. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StringCommandMetadataTest {
    private RedisServerProcess redis;
    private Jedis jedis;
    private final CommandTable table = new CommandTable();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start();
        jedis = new Jedis("127.0.0.1", redis.port());
        StringCommands.register(table);
    }

    @AfterAll
    void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "set", "getex", "getdel", "getset", "setnx", "setex", "psetex", "mget", "mset",
            "msetnx", "append", "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat", "getrange", "setrange",
            "substr", "lcs"})
    void matchesRedis(String name) {
        List<?> info = CommandMetadataAssert.info(jedis, name);
        CommandSpec spec = table.get(name);
        assertThat(spec).as(name).isNotNull();
        if (name.equals("msetnx")) {
            // Redis 7.2 removed MSETNX's tips (redis#12417); the 7.0 oracle still has them.
            CommandMetadataAssert.assertMatchesExceptTips(spec, info);
            assertThat(spec.tips()).isEmpty();
        } else {
            CommandMetadataAssert.assertMatches(spec, info);
        }
    }
}
