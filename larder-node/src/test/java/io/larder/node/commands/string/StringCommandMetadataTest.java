package io.larder.node.commands.string;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The registered metadata of every string command against redis-server's COMMAND INFO: arity, flags, key
 * positions, ACL categories, tips and key specs. Key-spec notes are free text that CommandSpec does not carry.
 */
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
        List<?> info = (List<?>) ((List<?>) jedis.sendCommand(Protocol.Command.COMMAND, "INFO", name)).get(0);
        CommandSpec spec = table.get(name);
        assertThat(spec).as(name).isNotNull();
        assertThat(spec.arity()).isEqualTo(((Long) info.get(1)).intValue());
        assertThat(spec.flags()).containsExactlyElementsOf(strings(info.get(2)));
        assertThat(List.of(spec.firstKey(), spec.lastKey(), spec.step()))
                .containsExactly(((Long) info.get(3)).intValue(), ((Long) info.get(4)).intValue(),
                        ((Long) info.get(5)).intValue());
        assertThat(spec.aclCategories())
                .containsExactlyElementsOf(strings(info.get(6)).stream().map(c -> c.substring(1)).toList());
        if (name.equals("msetnx")) {
            // Redis 7.2 removed MSETNX's tips (redis#12417); the 7.0 oracle still has them.
            assertThat(spec.tips()).isEmpty();
        } else {
            assertThat(spec.tips()).containsExactlyElementsOf(strings(info.get(7)));
        }
        List<?> keySpecs = (List<?>) info.get(8);
        assertThat(spec.keySpecs()).hasSize(keySpecs.size());
        for (int i = 0; i < keySpecs.size(); i++) {
            assertKeySpec(spec.keySpecs().get(i), (List<?>) keySpecs.get(i));
        }
    }

    private static void assertKeySpec(CommandSpec.KeySpec ours, List<?> theirs) {
        List<?> flags = null;
        List<?> begin = null;
        List<?> find = null;
        for (int j = 0; j < theirs.size(); j += 2) {
            String field = string(theirs.get(j));
            switch (field) {
                case "flags" -> flags = (List<?>) theirs.get(j + 1);
                case "begin_search" -> begin = (List<?>) theirs.get(j + 1);
                case "find_keys" -> find = (List<?>) theirs.get(j + 1);
                default -> {
                }
            }
        }
        assertThat(ours.flags()).containsExactlyElementsOf(strings(flags));
        assertThat(ours.beginType()).isEqualTo(string(begin.get(1)));
        assertThat((long) ours.beginIndex()).isEqualTo(((List<?>) begin.get(3)).get(1));
        assertThat(ours.findType()).isEqualTo(string(find.get(1)));
        List<?> range = (List<?>) find.get(3);
        assertThat(List.<Object>of((long) ours.lastKeyOrKeyNumIndex(), (long) ours.keyStepOrFirstKey(),
                (long) ours.limitOrKeyStep())).containsExactly(range.get(1), range.get(3), range.get(5));
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(string(o));
        }
        return out;
    }

    private static String string(Object o) {
        return new String((byte[]) o, StandardCharsets.UTF_8);
    }
}
