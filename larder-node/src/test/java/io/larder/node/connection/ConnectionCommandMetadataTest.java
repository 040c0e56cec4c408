package io.larder.node.connection;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.config.ConfigCommand;
import io.larder.node.commands.connection.ConnectionCommands;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * COMMAND INFO metadata (arity, flags, key positions, ACL categories, tips) of the connection and config commands
 * equals redis-server's, subcommands included. Subcommands the oracle (7.0) does not have yet are skipped.
 */
class ConnectionCommandMetadataTest {
    @Test
    void metadataEqualsTheOracles() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        CommandTable table = new CommandTable();
        ConnectionCommands.register(table);
        ConfigCommand.register(table);
        int compared = 0;
        try (RedisServerProcess redis = RedisServerProcess.start(); RawClient c = new RawClient(redis.port())) {
            for (CommandSpec spec : table.all()) {
                List<Object> info = infoOf(c, spec.name());
                compare(spec, info);
                compared++;
                List<?> subs = (List<?>) info.get(9);
                for (CommandSpec sub : spec.subcommands().values()) {
                    List<?> oracle = subs.stream().map(o -> (List<?>) o)
                            .filter(o -> o.get(0).equals(sub.fullName())).findFirst().orElse(null);
                    if (oracle == null) {
                        assertThat(sub.since()).as(sub.fullName()).isEqualTo("7.2.0");
                        continue;
                    }
                    compare(sub, oracle);
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(20);
    }

    private static void compare(CommandSpec spec, List<?> info) {
        String name = spec.fullName();
        assertThat(info.get(1)).as(name + " arity").isEqualTo((long) spec.arity());
        assertThat(info.get(2)).as(name + " flags").isEqualTo(spec.flags());
        assertThat(info.get(3)).as(name + " first key").isEqualTo((long) spec.firstKey());
        assertThat(info.get(4)).as(name + " last key").isEqualTo((long) spec.lastKey());
        assertThat(info.get(5)).as(name + " step").isEqualTo((long) spec.step());
        assertThat(info.get(6)).as(name + " acl").isEqualTo(spec.aclCategories().stream().map(a -> "@" + a).toList());
        assertThat(info.get(7)).as(name + " tips").isEqualTo(spec.tips());
        assertThat((List<?>) info.get(8)).as(name + " key specs").hasSize(spec.keySpecs().size());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> infoOf(RawClient c, String name) throws IOException {
        List<Object> reply = (List<Object>) parse(new ByteArrayInputStream(c.call("COMMAND", "INFO", name)));
        return (List<Object>) reply.get(0);
    }

    /** Just enough RESP2 to read COMMAND INFO: arrays, bulk and simple strings, integers. */
    private static Object parse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = in.read()) != '\r') {
            line.append((char) ch);
        }
        in.read();
        char type = line.charAt(0);
        String rest = line.substring(1);
        return switch (type) {
            case '+' -> rest;
            case ':' -> Long.parseLong(rest);
            case '$' -> {
                byte[] b = in.readNBytes(Integer.parseInt(rest));
                in.readNBytes(2);
                yield new String(b, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(parse(in));
                }
                yield items;
            }
            default -> throw new IOException("unexpected reply: " + line);
        };
    }
}
