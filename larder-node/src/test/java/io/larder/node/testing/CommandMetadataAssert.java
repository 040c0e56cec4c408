package io.larder.node.testing;

import io.larder.node.command.CommandSpec;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares a registered command's metadata with redis-server's COMMAND INFO: arity, flags, key positions, ACL
 * categories, tips and key specs. Key-spec notes are free text that CommandSpec does not carry.
 */
public final class CommandMetadataAssert {
    private CommandMetadataAssert() {
    }

    /** COMMAND INFO of one command, as Jedis returns it. */
    public static List<?> info(Jedis jedis, String name) {
        return (List<?>) ((List<?>) jedis.sendCommand(Protocol.Command.COMMAND, "INFO", name)).get(0);
    }

    /** Everything but the tips, for commands whose tips changed after the 7.0 oracle. */
    public static void assertMatchesExceptTips(CommandSpec spec, List<?> info) {
        assertThat(spec.arity()).as("arity").isEqualTo(((Long) info.get(1)).intValue());
        assertThat(spec.flags()).as("flags").containsExactlyElementsOf(strings(info.get(2)));
        assertThat(List.of(spec.firstKey(), spec.lastKey(), spec.step())).as("first/last/step")
                .containsExactly(((Long) info.get(3)).intValue(), ((Long) info.get(4)).intValue(),
                        ((Long) info.get(5)).intValue());
        assertThat(spec.aclCategories()).as("acl categories")
                .containsExactlyElementsOf(strings(info.get(6)).stream().map(c -> c.substring(1)).toList());
        List<?> keySpecs = (List<?>) info.get(8);
        assertThat(spec.keySpecs()).hasSize(keySpecs.size());
        for (int i = 0; i < keySpecs.size(); i++) {
            assertKeySpec(spec.keySpecs().get(i), (List<?>) keySpecs.get(i));
        }
    }

    public static void assertMatches(CommandSpec spec, List<?> info) {
        assertMatchesExceptTips(spec, info);
        assertThat(spec.tips()).as("tips").containsExactlyElementsOf(strings(info.get(7)));
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
