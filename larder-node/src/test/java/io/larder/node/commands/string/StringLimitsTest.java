package io.larder.node.commands.string;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Size limits that follow proto-max-bulk-len, with both servers started at its 1mb minimum. */
class StringLimitsTest extends OracleTestBase {
    private static final int LIMIT = 1024 * 1024;


    @Override
    protected String[] serverOptions() {
        return new String[]{"--proto-max-bulk-len", "1mb"};
    }

    @Test
    void appendSetrangeAndLcsRespectTheLimit() throws IOException {
        String[][] script = {
                {"SET", "big", "x".repeat(LIMIT - 1)},
                {"APPEND", "big", "y"},
                {"APPEND", "big", "z"},
                {"STRLEN", "big"},
                {"APPEND", "fresh", "x".repeat(LIMIT - 10)},
                {"APPEND", "fresh", "x".repeat(11)},
                {"SETRANGE", "r", String.valueOf(LIMIT - 1), "a"},
                {"SETRANGE", "r", String.valueOf(LIMIT), "a"},
                {"SETRANGE", "r2", String.valueOf(LIMIT - 1), "ab"},
                {"EXISTS", "r2"},
                {"STRLEN", "r"},
                // LCS needs (len1 + 1) * (len2 + 1) * 4 bytes of table
                {"SET", "a", "a".repeat(600)},
                {"SET", "b", "b".repeat(600)},
                {"LCS", "a", "b"},
                {"LCS", "a", "b", "LEN"},
                {"LCS", "a", "b", "IDX"},
                {"SET", "a", "ab".repeat(200)},
                {"SET", "b", "ba".repeat(200)},
                {"LCS", "a", "b", "LEN"},
                {"LCS", "a", "b", "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN"},
        };
        List<String> mismatches = new ArrayList<>();
        try (RawClient expected = new RawClient(redis.port()); RawClient actual = new RawClient(larder.port())) {
            for (String[] argv : script) {
                String want = new String(expected.call(argv), StandardCharsets.UTF_8);
                String got = new String(actual.call(argv), StandardCharsets.UTF_8);
                if (!want.equals(got)) {
                    mismatches.add(argv[0] + " " + argv[1] + "\n  redis:  " + abbreviate(want)
                            + "\n  larder: " + abbreviate(got));
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static String abbreviate(String reply) {
        return reply.length() > 200 ? reply.substring(0, 200) + "..." : reply.strip();
    }
}
