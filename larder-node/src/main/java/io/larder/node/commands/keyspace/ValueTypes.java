package io.larder.node.commands.keyspace;

import io.larder.engine.util.Numbers;

/**
 * What the generic commands need to know about a stored value: its TYPE name, its OBJECT ENCODING, and how to
 * duplicate it for COPY. Strings are the only type so far and are held as an immutable {@code byte[]}.
 */
final class ValueTypes {
    private static final int EMBSTR_LIMIT = 44;
    private static final int LONG_DIGITS_LIMIT = 20;
    /** Redis shares the integer objects 0..9999 between keys and reports them as never freed. */
    private static final long SHARED_INTEGERS = 10_000;
    private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

    private ValueTypes() {
    }

    static String typeName(Object value) {
        if (value instanceof byte[]) {
            return "string";
        }
        throw new IllegalStateException("unknown value type: " + value.getClass().getName());
    }

    /** "int" for what Redis stores as a long, "embstr" for short strings, else "raw". */
    static String encoding(Object value) {
        byte[] bytes = (byte[]) value;
        if (bytes.length <= LONG_DIGITS_LIMIT && Numbers.isLong(bytes)) {
            return "int";
        }
        return bytes.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }

    /**
     * OBJECT REFCOUNT: Redis points every small non-negative integer value at one shared object, unless an
     * LRU/LFU eviction policy needs a private access clock per key; any other value has one reference.
     */
    static long refcount(Object value, boolean sharedIntegersAllowed) {
        if (sharedIntegersAllowed && value instanceof byte[] bytes && bytes.length <= LONG_DIGITS_LIMIT) {
            try {
                long n = Numbers.parseLong(bytes);
                if (n >= 0 && n < SHARED_INTEGERS) {
                    return SHARED_REFCOUNT;
                }
            } catch (Numbers.NotANumber e) {
                return 1;
            }
        }
        return 1;
    }

    /** A value for another key: strings are immutable arrays and can be shared. */
    static Object copy(Object value) {
        return value;
    }
}
