package io.larder.memcached.text;

/**
 * A request line split on spaces, as memcached's tokenizer does (only ' ' separates; tabs and control characters
 * belong to tokens). Offsets point into the line buffer.
 */
public final class Tokens {
    /** memcached tokenizes at most this many tokens, counting its terminal marker. */
    static final int MAX_TOKENS = 24;

    byte[] line;
    int[] start = new int[32];
    int[] length = new int[32];
    /** Number of real tokens. */
    public int count;

    public void split(byte[] line, int len) {
        this.line = line;
        count = 0;
        int i = 0;
        while (i < len) {
            while (i < len && line[i] == ' ') {
                i++;
            }
            if (i >= len) {
                break;
            }
            int s = i;
            while (i < len && line[i] != ' ') {
                i++;
            }
            if (count == start.length) {
                start = java.util.Arrays.copyOf(start, count * 2);
                length = java.util.Arrays.copyOf(length, count * 2);
            }
            start[count] = s;
            length[count] = i - s;
            count++;
        }
    }

    /** memcached's ntokens: real tokens (capped as its tokenizer caps them) plus the terminal marker. */
    public int ntokens() {
        return Math.min(count, MAX_TOKENS - 1) + 1;
    }

    public boolean is(int i, String s) {
        if (i >= count || length[i] != s.length()) {
            return false;
        }
        for (int k = 0; k < length[i]; k++) {
            if (line[start[i] + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    public byte[] bytes(int i) {
        return java.util.Arrays.copyOfRange(line, start[i], start[i] + length[i]);
    }

    public String string(int i) {
        return new String(line, start[i], length[i], java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public int len(int i) {
        return i < count ? length[i] : 0;
    }

    public byte at(int i, int k) {
        return line[start[i] + k];
    }

    public long strtoull(int i) {
        return io.larder.memcached.store.Ascii.strtoull(line, start[i], start[i] + length[i]);
    }

    public long strtoul(int i) {
        return io.larder.memcached.store.Ascii.strtoul(line, start[i], start[i] + length[i]);
    }

    public long strtol(int i) {
        return io.larder.memcached.store.Ascii.strtol(line, start[i], start[i] + length[i]);
    }

    /** Like the ones above for a token's text after its first character (meta flag values). */
    public long strtoullFrom1(int i) {
        return io.larder.memcached.store.Ascii.strtoull(line, start[i] + 1, start[i] + length[i]);
    }

    public long strtoulFrom1(int i) {
        return io.larder.memcached.store.Ascii.strtoul(line, start[i] + 1, start[i] + length[i]);
    }

    public long strtolFrom1(int i) {
        return io.larder.memcached.store.Ascii.strtol(line, start[i] + 1, start[i] + length[i]);
    }
}
