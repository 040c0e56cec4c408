package io.larder.node.commands.set;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.hash.HashCommands;
import io.larder.node.testing.CommandMetadataAssert;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The registered metadata of every hash and set command against redis-server's COMMAND INFO. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HashAndSetMetadataTest {
    private RedisServerProcess redis;
    private Jedis jedis;
    private final CommandTable table = new CommandTable();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start();
        jedis = new Jedis("127.0.0.1", redis.port());
        HashCommands.register(table);
        SetCommands.register(table);
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
    @ValueSource(strings = {"hset", "hsetnx", "hget", "hmget", "hmset", "hdel", "hexists", "hlen", "hstrlen", "hkeys",
            "hvals", "hgetall", "hincrby", "hincrbyfloat", "hrandfield", "hscan", "sadd", "srem", "sismember",
            "smismember", "scard", "smembers", "srandmember", "spop", "smove", "sinter", "sintercard",
            "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "sscan"})
    void matchesRedis(String name) {
        CommandSpec spec = table.get(name);
        assertThat(spec).as(name).isNotNull();
        CommandMetadataAssert.assertMatches(spec, CommandMetadataAssert.info(jedis, name));
    }

    @Test
    void sintercardKeysFollowNumkeys() {
        assertThat(SetCommands.sintercardKeys(args("sintercard", "2", "a", "b", "LIMIT", "1"))).containsExactly(2, 3);
        assertThat(SetCommands.sintercardKeys(args("sintercard", "1", "a", "b"))).containsExactly(2);
        assertThat(SetCommands.sintercardKeys(args("sintercard", "3", "a", "b"))).isEmpty();
        assertThat(SetCommands.sintercardKeys(args("sintercard", "0", "a"))).isEmpty();
        assertThat(SetCommands.sintercardKeys(args("sintercard", "x", "a"))).isEmpty();
    }

    /** The dispatcher locks exactly these positions, so they must include every key a command touches. */
    @Test
    void multiKeyCommandsLockEveryKeyTheyTouch() {
        assertThat(table.get("smove").keyPositions(args("smove", "src", "dst", "m"))).containsExactly(1, 2);
        for (String store : List.of("sinterstore", "sunionstore", "sdiffstore")) {
            assertThat(table.get(store).keyPositions(args(store, "dst", "a", "b"))).containsExactly(1, 2, 3);
        }
        for (String read : List.of("sinter", "sunion", "sdiff")) {
            assertThat(table.get(read).keyPositions(args(read, "a", "b", "c"))).containsExactly(1, 2, 3);
        }
        assertThat(table.get("sintercard").keyPositions(args("sintercard", "2", "a", "b", "LIMIT", "1")))
                .containsExactly(2, 3);
    }

    @Test
    void everyFamilyCommandIsCovered() {
        assertThat(table.size()).isEqualTo(33);
    }

    private static byte[][] args(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes();
        }
        return out;
    }
}
