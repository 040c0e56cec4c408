package io.larder.engine.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.util.Numbers;

/**
 * The one place that knows how string values are held in the keyspace: usually a plain {@code byte[]} (what
 * SET stores, allocation-free), or a {@link MutableString}. Every reader of string values goes through here.
 */
public final class StringValues {
    private static final int EMBSTR_LIMIT = 44;
    private static final int LONG_DIGITS_LIMIT = 20;

    private StringValues() {
    }

    /** True for a string value of either representation. */
    public static boolean isString(Object value) {
        return value instanceof byte[] || value instanceof MutableString;
    }

    /** Backing array of a string value; only the first {@link #length(Object)} bytes belong to it. */
    public static byte[] array(Object value) {
        return value instanceof byte[] bytes ? bytes : ((MutableString) value).array();
    }

    public static int length(Object value) {
        return value instanceof byte[] bytes ? bytes.length : ((MutableString) value).length();
    }

    /** The value's bytes as an exact-length array (the stored array itself when it is one: do not modify). */
    public static byte[] bytes(Object value) {
        return value instanceof byte[] bytes ? bytes : ((MutableString) value).toByteArray();
    }

    /** A copy that does not share a mutable buffer with {@code value}, for commands that duplicate keys. */
    public static Object copy(Object value) {
        return value instanceof MutableString m ? m.duplicate() : value;
    }

    /**
     * The key's string value as a buffer that may be modified in place (Redis's dbUnshareStringValue): a plain
     * array is converted once, with room for {@code extra} more bytes, and stored under the key with its TTL.
     */
    public static MutableString modifiable(Db db, byte[] key, Object current, int extra) {
        if (current instanceof MutableString m) {
            return m;
        }
        byte[] bytes = (byte[]) current;
        MutableString copy = MutableString.copyOf(bytes, bytes.length, extra);
        db.put(key, copy, 0, true);
        return copy;
    }

    /** OBJECT ENCODING as Redis reports it: "int" for integers it would store as a long, else "embstr"/"raw". */
    public static String encoding(Object value) {
        if (value instanceof MutableString m) {
            return m.encoding();
        }
        byte[] bytes = (byte[]) value;
        if (bytes.length <= LONG_DIGITS_LIMIT && Numbers.isLong(bytes)) {
            return "int";
        }
        return bytes.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }
}
