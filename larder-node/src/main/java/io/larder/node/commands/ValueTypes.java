package io.larder.node.commands;

import io.larder.engine.hash.HashValue;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetValue;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.string.StringValues;
import io.larder.engine.zset.ZSetValue;
import io.larder.engine.util.Numbers;
import io.larder.node.config.ServerConfig;

/**
 * What the generic commands need to know about a stored value: its TYPE name, its OBJECT ENCODING, and how to
 * duplicate it for COPY. Strings are held as an immutable {@code byte[]} or, once edited in place by APPEND or
 * SETRANGE, a {@code MutableString}: {@link StringValues} knows both.
 */
public final class ValueTypes {
    private static final int LONG_DIGITS_LIMIT = 20;
    /** Redis shares the integer objects 0..9999 between keys and reports them as never freed. */
    private static final long SHARED_INTEGERS = 10_000;
    private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

    private ValueTypes() {
    }

    public static String typeName(Object value) {
        if (StringValues.isString(value)) {
            return "string";
        }
        if (value instanceof HashValue) {
            return "hash";
        }
        if (value instanceof SetValue) {
            return "set";
        }
        if (value instanceof ListValue) {
            return "list";
        }
        if (value instanceof ZSetValue) {
            return "zset";
        }
        if (value instanceof StreamValue) {
            return "stream";
        }
        throw new IllegalStateException("unknown value type: " + value.getClass().getName());
    }

    /** OBJECT ENCODING: each type knows the name of its current representation. */
    public static String encoding(Object value) {
        return switch (value) {
            case HashValue h -> h.encoding();
            case SetValue s -> s.encoding();
            case ListValue l -> l.encoding();
            case ZSetValue z -> z.encoding();
            case StreamValue s -> "stream";
            default -> StringValues.encoding(value);
        };
    }

    /**
     * OBJECT REFCOUNT: Redis points every small non-negative integer value at one shared object, unless an
     * LRU/LFU eviction policy needs a private access clock per key; any other value has one reference.
     */
    public static long refcount(Object value, boolean sharedIntegersAllowed) {
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

    /** A value for another key (COPY): immutable string arrays are shared, everything mutable is duplicated. */
    public static Object copy(Object value) {
        return switch (value) {
            case HashValue h -> h.copy();
            case SetValue s -> s.copy();
            case ListValue l -> l.copy();
            case ZSetValue z -> z.copy();
            case StreamValue s -> s.copy();
            default -> StringValues.copy(value);
        };
    }

    /** Redis gives each key its own integer object, hence refcount 1, when maxmemory evicts by LRU or LFU. */
    public static boolean sharedIntegersAllowed(ServerConfig config) {
        String policy = config.find("maxmemory-policy").text();
        return config.find("maxmemory").asLong() == 0 || !(policy.endsWith("-lru") || policy.endsWith("-lfu"));
    }

    /** The 24-bit LRU clock wraps about every 194 days; idle time is measured across the wrap. */
    public static long idleSeconds(int lruNow, int lruAccessed) {
        return lruNow >= lruAccessed ? lruNow - lruAccessed : lruNow + (LRU_CLOCK_MAX - lruAccessed);
    }

    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;
}
