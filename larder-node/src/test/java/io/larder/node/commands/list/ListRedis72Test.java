package io.larder.node.commands.list;

import io.larder.node.testing.LarderClientTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies where Redis 7.2 differs from the 7.0 oracle, checked on Larder alone: timeouts whose milliseconds
 * overflow are "out of range" (redis#11338; 7.0 called them negative), and LPOS bounds RANK so that it can be
 * negated (7.0 accepted LONG_MIN), and list encodings (7.0 has no listpack lists).
 */
class ListRedis72Test extends LarderClientTestBase {
    @Test
    void overflowingTimeoutsAreOutOfRange() throws IOException {
        for (String timeout : new String[] {"inf", "+inf", "1e20", "9223372036854775807"}) {
            assertThat(client.callText("BLPOP", "none", timeout)).as(timeout).isEqualTo("-ERR timeout is out of range\r\n");
            assertThat(client.callText("BLMOVE", "none", "d", "LEFT", "LEFT", timeout)).isEqualTo("-ERR timeout is out of range\r\n");
            assertThat(client.callText("BLMPOP", timeout, "1", "none", "LEFT")).isEqualTo("-ERR timeout is out of range\r\n");
        }
        assertThat(client.callText("BRPOP", "none", "-inf")).isEqualTo("-ERR timeout is negative\r\n");
        // A fraction of a millisecond rounds up to one millisecond.
        assertThat(client.callText("BLPOP", "none", "0.0001")).isEqualTo("*-1\r\n");
    }

    @Test
    void lposRankMustBeNegatable() throws IOException {
        client.call("RPUSH", "l", "a", "b", "a");
        assertThat(client.callText("LPOS", "l", "a", "RANK", "-9223372036854775808")).isEqualTo(
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n");
        assertThat(client.callText("LPOS", "l", "a", "RANK", "-9223372036854775807")).isEqualTo("$-1\r\n");
        assertThat(client.callText("LPOS", "l", "a", "RANK", "-2")).isEqualTo(":0\r\n");
    }

    @Test
    void popWithCountZeroLeavesTheEncodingAlone() throws IOException {
        client.call("RPUSH", "q", "a", "b");
        // Redis converts before looking for the pivot: a missed pivot with a big element still makes a quicklist.
        assertThat(client.callText("LINSERT", "q", "BEFORE", "nopivot", "x".repeat(9000))).isEqualTo(":-1\r\n");
        assertThat(client.callText("OBJECT", "ENCODING", "q")).isEqualTo("$9\r\nquicklist\r\n");
        // A count of 0 returns before touching the list (no shrinking conversion) ...
        assertThat(client.callText("LPOP", "q", "0")).isEqualTo("*0\r\n");
        assertThat(client.callText("OBJECT", "ENCODING", "q")).isEqualTo("$9\r\nquicklist\r\n");
        // ... while a real pop lets the small list become a listpack again.
        assertThat(client.callText("LPOP", "q", "1")).isEqualTo("*1\r\n$1\r\na\r\n");
        assertThat(client.callText("OBJECT", "ENCODING", "q")).isEqualTo("$8\r\nlistpack\r\n");
    }
}
