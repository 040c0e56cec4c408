package io.larder.node.commands.zset;

import io.larder.node.testing.LarderClientTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Redis 7.2 does differently from the 7.0 oracle, checked against Larder alone: ZRANK/ZREVRANK WITHSCORE,
 * and scores replied in the shortest round-trip form (d2string over fpconv_dtoa) instead of %.17g.
 */
class ZSet72Test extends LarderClientTestBase {
    @BeforeEach
    void clean() throws IOException {
        client.call("HELLO", "2");
        client.call("FLUSHALL");
    }

    private String call(String... command) throws IOException {
        return client.callText(command);
    }

    @Test
    void scoresUseTheShortestForm() throws IOException {
        call("ZADD", "z", "1.1", "a", "1e17", "b", "0.00001", "c", "-2.5e-10", "d", "1e300", "e");
        assertThat(call("ZSCORE", "z", "a")).isEqualTo("$3\r\n1.1\r\n"); // 7.0: 1.1000000000000001
        assertThat(call("ZSCORE", "z", "b")).isEqualTo("$18\r\n100000000000000000\r\n"); // 7.0: 1e+17
        assertThat(call("ZSCORE", "z", "c")).isEqualTo("$7\r\n0.00001\r\n"); // 7.0: 1.0000000000000001e-05
        assertThat(call("ZSCORE", "z", "d")).isEqualTo("$8\r\n-2.5e-10\r\n");
        assertThat(call("ZSCORE", "z", "e")).isEqualTo("$6\r\n1e+300\r\n");
        assertThat(call("ZMSCORE", "z", "a", "x")).isEqualTo("*2\r\n$3\r\n1.1\r\n$-1\r\n");
        assertThat(call("ZINCRBY", "z", "0.2", "a")).isEqualTo("$3\r\n1.3\r\n");
        call("ZADD", "sum", "0.1", "x");
        assertThat(call("ZINCRBY", "sum", "0.2", "x")).isEqualTo("$19\r\n0.30000000000000004\r\n");
        assertThat(call("ZADD", "z", "INCR", "0.1", "n")).isEqualTo("$3\r\n0.1\r\n");
        assertThat(call("ZRANGE", "z", "0", "1", "WITHSCORES"))
                .isEqualTo("*4\r\n$1\r\nd\r\n$8\r\n-2.5e-10\r\n$1\r\nc\r\n$7\r\n0.00001\r\n");
        assertThat(call("ZSCAN", "z", "0", "MATCH", "n")).isEqualTo("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nn\r\n$3\r\n0.1\r\n");
        call("HELLO", "3");
        assertThat(call("ZSCORE", "z", "n")).isEqualTo(",0.1\r\n");
        assertThat(call("ZSCORE", "z", "b")).isEqualTo(",100000000000000000\r\n");
        assertThat(call("ZPOPMIN", "z")).isEqualTo("*2\r\n$1\r\nd\r\n,-2.5e-10\r\n");
    }

    @Test
    void largeSetsFormatScoresTheSameWay() throws IOException {
        call("CONFIG", "SET", "zset-max-listpack-entries", "1");
        call("ZADD", "z", "1.1", "a", "2.2", "b");
        assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("$8\r\nskiplist\r\n");
        assertThat(call("ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("*4\r\n$1\r\na\r\n$3\r\n1.1\r\n$1\r\nb\r\n$3\r\n2.2\r\n");
        assertThat(call("ZSCAN", "z", "0", "COUNT", "100")).contains("$3\r\n1.1\r\n").contains("$3\r\n2.2\r\n");
        call("CONFIG", "SET", "zset-max-listpack-entries", "128");
    }

    @Test
    void rankWithScore() throws IOException {
        call("ZADD", "z", "1", "a", "2.5", "b", "3", "c");
        assertThat(call("ZRANK", "z", "b", "WITHSCORE")).isEqualTo("*2\r\n:1\r\n$3\r\n2.5\r\n");
        assertThat(call("ZREVRANK", "z", "b", "withscore")).isEqualTo("*2\r\n:1\r\n$3\r\n2.5\r\n");
        assertThat(call("ZREVRANK", "z", "a", "WITHSCORE")).isEqualTo("*2\r\n:2\r\n$1\r\n1\r\n");
        assertThat(call("ZRANK", "z", "x", "WITHSCORE")).isEqualTo("*-1\r\n");
        assertThat(call("ZRANK", "nokey", "x", "WITHSCORE")).isEqualTo("*-1\r\n");
        assertThat(call("ZRANK", "z", "x")).isEqualTo("$-1\r\n");
        assertThat(call("ZRANK", "z", "a", "WITHSCORES")).isEqualTo("-ERR syntax error\r\n");
        assertThat(call("ZRANK", "z", "a", "WITHSCORE", "x"))
                .isEqualTo("-ERR wrong number of arguments for 'zrank' command\r\n");
        assertThat(call("ZREVRANK", "z", "a", "WITHSCORE", "x"))
                .isEqualTo("-ERR wrong number of arguments for 'zrevrank' command\r\n");
        assertThat(call("ZRANK", "z")).isEqualTo("-ERR wrong number of arguments for 'zrank' command\r\n");
        call("SET", "s", "v");
        assertThat(call("ZRANK", "s", "a", "WITHSCORE")).startsWith("-WRONGTYPE");
        call("HELLO", "3");
        assertThat(call("ZRANK", "z", "c", "WITHSCORE")).isEqualTo("*2\r\n:2\r\n,3\r\n");
        assertThat(call("ZRANK", "z", "x", "WITHSCORE")).isEqualTo("_\r\n");
        assertThat(call("ZRANK", "z", "x")).isEqualTo("_\r\n");
    }
}
