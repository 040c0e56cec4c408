package io.larder.node.commands.list;

import io.larder.node.testing.LarderClientTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OBJECT ENCODING of lists as Redis 7.2 reports it (the 7.0 oracle has no listpack lists): a listpack until the
 * elements would pass list-max-listpack-size, a quicklist beyond, and a listpack again once a one-chunk
 * quicklist is down to half the limit. Each 100-byte element takes 103 listpack bytes, the header 7.
 */
class ListEncodingTest extends LarderClientTestBase {
    private static final String HUNDRED = "x".repeat(100);

    @BeforeEach
    void reset() throws IOException {
        client.call("FLUSHALL");
        client.call("CONFIG", "SET", "list-max-listpack-size", "-2");
    }

    private String encoding(String key) throws IOException {
        String reply = client.callText("OBJECT", "ENCODING", key); // a bulk string: $len CRLF text CRLF
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    @Test
    void byteLimitConvertsBothWays() throws IOException {
        for (int i = 1; i <= 79; i++) {
            client.call("RPUSH", "l", HUNDRED);
        }
        assertThat(encoding("l")).isEqualTo("listpack"); // 7 + 79 * 103 = 8144 bytes
        client.call("RPUSH", "l", HUNDRED); // 8144 + 100 > 8192
        assertThat(encoding("l")).isEqualTo("quicklist");
        for (int size = 79; size >= 40; size--) {
            client.call("RPOP", "l");
            assertThat(encoding("l")).as("at %d elements", size).isEqualTo("quicklist");
        }
        client.call("RPOP", "l"); // one chunk of 7 + 39 * 103 = 4024 <= 8192 / 2
        assertThat(encoding("l")).isEqualTo("listpack");
        assertThat(client.callText("LLEN", "l")).isEqualTo(":39\r\n");
    }

    @Test
    void oneBigPushConvertsAtOnce() throws IOException {
        client.call("RPUSH", "big", "y".repeat(9000));
        assertThat(encoding("big")).isEqualTo("quicklist");
        String[] many = new String[2 + 82];
        many[0] = "RPUSH";
        many[1] = "many";
        java.util.Arrays.fill(many, 2, many.length, HUNDRED);
        client.call(many); // 7 + 82 * 100 raw bytes > 8192
        assertThat(encoding("many")).isEqualTo("quicklist");
        client.call("RPUSH", "small", "a", "1", "2");
        assertThat(encoding("small")).isEqualTo("listpack");
    }

    @Test
    void countLimitConvertsPastTheCountAndBackAtHalf() throws IOException {
        client.call("CONFIG", "SET", "list-max-listpack-size", "4");
        client.call("RPUSH", "l", "a", "b", "c", "d");
        assertThat(encoding("l")).isEqualTo("listpack");
        client.call("RPUSH", "l", "e");
        assertThat(encoding("l")).isEqualTo("quicklist");
        client.call("RPOP", "l", "2"); // the chunk of e goes; one chunk of 3 > 4 / 2
        assertThat(encoding("l")).isEqualTo("quicklist");
        client.call("LREM", "l", "0", "c");
        assertThat(encoding("l")).isEqualTo("listpack");
        assertThat(client.callText("LRANGE", "l", "0", "-1")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    }

    @Test
    void lsetAndLinsertConvertBeforeWriting() throws IOException {
        client.call("RPUSH", "l", "a");
        client.call("LSET", "l", "0", "y".repeat(9000));
        assertThat(encoding("l")).isEqualTo("quicklist");
        client.call("LSET", "l", "0", "small");
        assertThat(encoding("l")).isEqualTo("listpack");
        // The conversion comes before the pivot search, so it happens even when the pivot is missing.
        assertThat(client.callText("LINSERT", "l", "BEFORE", "nothere", "y".repeat(9000))).isEqualTo(":-1\r\n");
        assertThat(encoding("l")).isEqualTo("quicklist");
        client.call("RPUSH", "t", "a", "b", "c");
        client.call("LSET", "t", "9", "y".repeat(9000)); // out of range, but converted first
        assertThat(encoding("t")).isEqualTo("quicklist");
    }

    @Test
    void copiesAreIndependent() throws IOException {
        client.call("RPUSH", "l", "a", "b");
        client.call("COPY", "l", "m");
        client.call("RPUSH", "m", "c");
        client.call("LSET", "l", "0", "z");
        assertThat(client.callText("LRANGE", "l", "0", "-1")).isEqualTo("*2\r\n$1\r\nz\r\n$1\r\nb\r\n");
        assertThat(client.callText("LRANGE", "m", "0", "-1")).isEqualTo("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assertThat(encoding("m")).isEqualTo("listpack");
        assertThat(client.callText("TYPE", "m")).isEqualTo("+list\r\n");
    }
}
