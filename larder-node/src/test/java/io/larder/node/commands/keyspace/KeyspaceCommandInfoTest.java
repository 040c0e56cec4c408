package io.larder.node.commands.keyspace;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The metadata of every command of this family equals what redis-server's COMMAND INFO reports. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyspaceCommandInfoTest {
    private RedisServerProcess redis;
    private final CommandTable table = new CommandTable();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        redis = RedisServerProcess.start();
        KeyspaceCommands.register(table);
    }

    @AfterAll
    void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"del", "unlink", "exists", "touch", "type", "rename", "renamenx", "copy", "move", "keys",
            "scan", "randomkey", "object", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime",
            "pexpiretime", "persist"})
    void metadataEqualsRedis(String name) throws IOException {
        List<?> info;
        try (RawClient client = new RawClient(redis.port())) {
            info = (List<?>) ((List<?>) parse(client.call("COMMAND", "INFO", name))).get(0);
        }
        compare(table.get(name), info);
    }

    private static void compare(CommandSpec spec, List<?> info) {
        String what = spec.fullName();
        assertThat(spec.fullName()).isEqualTo(info.get(0));
        assertThat((long) spec.arity()).as(what + " arity").isEqualTo(info.get(1));
        assertThat(spec.flags()).as(what + " flags").isEqualTo(info.get(2));
        assertThat(List.of((long) spec.firstKey(), (long) spec.lastKey(), (long) spec.step()))
                .as(what + " key positions").isEqualTo(info.subList(3, 6));
        assertThat(spec.aclCategories().stream().map(c -> "@" + c).toList()).as(what + " acl").isEqualTo(info.get(6));
        assertThat(spec.tips()).as(what + " tips").isEqualTo(info.get(7));
        List<?> keySpecs = (List<?>) info.get(8);
        assertThat(spec.keySpecs()).as(what + " key specs").hasSameSizeAs(keySpecs);
        for (int i = 0; i < keySpecs.size(); i++) {
            assertThat(render(spec.keySpecs().get(i))).as(what + " key spec " + i).isEqualTo(keySpecs.get(i));
        }
        List<?> subcommands = (List<?>) info.get(9);
        assertThat(spec.subcommands()).as(what + " subcommands").hasSameSizeAs(subcommands);
        for (Object sub : subcommands) {
            List<?> subInfo = (List<?>) sub;
            String subName = ((String) subInfo.get(0)).substring(spec.name().length() + 1);
            assertThat(spec.subcommands()).containsKey(subName);
            compare(spec.subcommands().get(subName), subInfo);
        }
    }

    /** A key spec in COMMAND INFO's layout, for the index/range form this family uses. */
    private static List<Object> render(CommandSpec.KeySpec k) {
        assertThat(k.beginType()).isEqualTo("index");
        assertThat(k.findType()).isEqualTo("range");
        return List.of("flags", k.flags(),
                "begin_search", List.of("type", "index", "spec", List.of("index", (long) k.beginIndex())),
                "find_keys", List.of("type", "range", "spec", List.of("lastkey", (long) k.lastKeyOrKeyNumIndex(),
                        "keystep", (long) k.keyStepOrFirstKey(), "limit", (long) k.limitOrKeyStep())));
    }

    private static Object parse(byte[] reply) throws IOException {
        return read(new ByteArrayInputStream(reply));
    }

    private static Object read(ByteArrayInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            line.append((char) c);
        }
        in.read();
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '*' -> {
                int n = Integer.parseInt(rest);
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return items;
            }
            case '$' -> {
                byte[] data = in.readNBytes(Integer.parseInt(rest));
                in.readNBytes(2);
                return new String(data, StandardCharsets.UTF_8);
            }
            case ':' -> {
                return Long.parseLong(rest);
            }
            case '+' -> {
                return rest;
            }
            default -> throw new IOException("unexpected reply: " + line);
        }
    }
}
