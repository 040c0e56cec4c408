package io.larder.node.propagation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RespTest {
    private static String text(Resp r) {
        return new String(r.array(), 0, r.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void lengthsAreWrittenInDecimal() {
        long[] fixed = {0, 1, 9, 10, 11, 64, 99, 100, 12345, 999_999_999_999L, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        Random random = new Random(7);
        for (int i = 0; i < fixed.length + 2000; i++) {
            long n = i < fixed.length ? fixed[i] : random.nextLong() >>> random.nextInt(64);
            Resp r = new Resp();
            r.header('$', n);
            assertThat(text(r)).isEqualTo("$" + n + "\r\n");
        }
    }

    @Test
    void commandsAreArraysOfBulkStrings() {
        Resp r = new Resp();
        r.command(new byte[][]{"SET".getBytes(StandardCharsets.US_ASCII), "k".repeat(300).getBytes(StandardCharsets.US_ASCII),
                new byte[0]});
        assertThat(text(r)).isEqualTo("*3\r\n$3\r\nSET\r\n$300\r\n" + "k".repeat(300) + "\r\n$0\r\n\r\n");
    }
}
