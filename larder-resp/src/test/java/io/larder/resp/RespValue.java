package io.larder.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** A decoded RESP2/RESP3 reply, for tests that check what {@link ReplyWriter} produced. */
sealed interface RespValue {
    record Simple(String text) implements RespValue {
    }

    record Error(String message) implements RespValue {
    }

    record Int(long value) implements RespValue {
    }

    /** A bulk string; byte arrays compare by content. */
    record Bulk(byte[] bytes) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bulk[" + bytes.length + " bytes: " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64)) + "]";
        }

        static Bulk of(String s) {
            return new Bulk(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** RESP2 {@code $-1}. */
    record NullBulk() implements RespValue {
    }

    /** RESP2 {@code *-1}. */
    record NullArray() implements RespValue {
    }

    /** RESP3 {@code _}. */
    record Null() implements RespValue {
    }

    record Arr(List<RespValue> items) implements RespValue {
    }

    record Set(List<RespValue> items) implements RespValue {
    }

    record Push(List<RespValue> items) implements RespValue {
    }

    record Entry(RespValue key, RespValue value) {
    }

    record RMap(List<Entry> entries) implements RespValue {
    }

    /** A double as the text Redis formats it to ("1.5", "inf", "-inf", "nan"). */
    record Dbl(String text) implements RespValue {
    }

    record Bool(boolean value) implements RespValue {
    }

    record Verbatim(String format, String text) implements RespValue {
    }
}
