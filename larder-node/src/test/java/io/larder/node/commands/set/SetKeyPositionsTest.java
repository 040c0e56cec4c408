package io.larder.node.commands.set;

import io.larder.node.command.CommandTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher locks the positions a spec declares, so they must include every key a command touches.
 * (COMMAND INFO of every family is compared with redis-server by CommandInfoConformanceTest.)
 */
class SetKeyPositionsTest {
    private final CommandTable table = new CommandTable();

    SetKeyPositionsTest() {
        SetCommands.register(table);
    }

    @Test
    void sintercardKeysFollowNumkeys() {
        assertThat(sintercardKeys(args("sintercard", "2", "a", "b", "LIMIT", "1"))).containsExactly(2, 3);
        assertThat(sintercardKeys(args("sintercard", "1", "a", "b"))).containsExactly(2);
        assertThat(sintercardKeys(args("sintercard", "3", "a", "b"))).isEmpty();
        assertThat(sintercardKeys(args("sintercard", "0", "a"))).isEmpty();
        assertThat(sintercardKeys(args("sintercard", "x", "a"))).isEmpty();
    }

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

    private int[] sintercardKeys(byte[][] args) {
        return table.get("sintercard").keyPositions(args);
    }

    private static byte[][] args(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes();
        }
        return out;
    }
}
