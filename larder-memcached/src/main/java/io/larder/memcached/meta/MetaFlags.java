package io.larder.memcached.meta;

import io.larder.memcached.store.Ascii;
import io.larder.memcached.store.McClock;
import io.larder.memcached.text.Tokens;

/**
 * A meta command's flags, parsed once the way memcached's _meta_flag_preparse does: single-letter tokens, each
 * at most once, some with a value glued on ({@code T30}, {@code Oabc}). {@code b} decodes a base64 key.
 */
final class MetaFlags {
    /** The error line; memcached's default when a flag fails without a message of its own. */
    String error = "CLIENT_ERROR bad command line format";
    boolean hasError;
    boolean noUpdate;
    boolean locked;
    boolean vivify;
    boolean value;
    boolean setStale;
    boolean noReply;
    boolean hasCas;
    boolean newTtl;
    boolean keyBinary;
    char mode;
    int exptime;
    int autovivExptime;
    int recacheTime;
    int clientFlags;
    long reqCas;
    long delta = 1;
    long initial;
    byte[] key;

    /** Parses tokens [first, last) of a meta command whose key is token 1; false on error (see {@link #error}). */
    boolean parse(Tokens t, int first, int last, McClock clock) {
        key = t.bytes(1);
        boolean[] seen = new boolean[127];
        for (int i = first; i < last; i++) {
            int o = t.at(i, 0) & 0xff;
            if (o >= 127 || seen[o]) {
                error = "CLIENT_ERROR duplicate flag";
                return false;
            }
            seen[o] = true;
            switch (o) {
                case 'b' -> {
                    byte[] decoded = decode(key);
                    if (decoded == null) {
                        error = "CLIENT_ERROR error decoding key";
                        hasError = true;
                    } else {
                        key = decoded;
                    }
                    keyBinary = true;
                }
                case 'N' -> {
                    locked = true;
                    vivify = true;
                    long v = t.strtolFrom1(i);
                    if (v == Ascii.INVALID) {
                        badToken();
                    } else {
                        autovivExptime = clock.expiry(v);
                    }
                }
                case 'T' -> {
                    locked = true;
                    long v = t.strtolFrom1(i);
                    if (v == Ascii.INVALID) {
                        badToken();
                    } else {
                        exptime = clock.expiry(v);
                        newTtl = true;
                    }
                }
                case 'R' -> {
                    locked = true;
                    long v = t.strtolFrom1(i);
                    if (v == Ascii.INVALID) {
                        badToken();
                    } else {
                        recacheTime = clock.expiry(v);
                    }
                }
                case 'l', 'h' -> locked = true;
                case 'O', 'P', 'L', 'k', 's', 't', 'c', 'f' -> {
                }
                case 'v' -> value = true;
                case 'u' -> noUpdate = true;
                case 'q' -> noReply = true;
                case 'F' -> {
                    long v = t.strtoulFrom1(i);
                    if (v == Ascii.INVALID) {
                        hasError = true;
                    } else {
                        clientFlags = (int) v;
                    }
                }
                case 'C' -> {
                    long v = t.strtoullFrom1(i);
                    if (v == Ascii.INVALID) {
                        badToken();
                    } else {
                        reqCas = v;
                        hasCas = true;
                    }
                }
                case 'M' -> {
                    if (t.len(i) != 2) {
                        error = "CLIENT_ERROR incorrect length for M token";
                        hasError = true;
                    } else {
                        mode = (char) t.at(i, 1);
                    }
                }
                case 'J' -> {
                    long v = t.strtoullFrom1(i);
                    if (v == Ascii.INVALID) {
                        error = "CLIENT_ERROR invalid numeric initial value";
                        hasError = true;
                    } else {
                        initial = v;
                    }
                }
                case 'D' -> {
                    long v = t.strtoullFrom1(i);
                    if (v == Ascii.INVALID) {
                        error = "CLIENT_ERROR invalid numeric delta value";
                        hasError = true;
                    } else {
                        delta = v;
                    }
                }
                case 'I' -> setStale = true;
                default -> {
                    error = "CLIENT_ERROR invalid flag";
                    return false;
                }
            }
        }
        return !hasError;
    }

    private void badToken() {
        error = "CLIENT_ERROR bad token in command line format";
        hasError = true;
    }

    static byte[] decode(byte[] key) {
        try {
            byte[] d = java.util.Base64.getDecoder().decode(key);
            return d.length == 0 ? null : d;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

}
