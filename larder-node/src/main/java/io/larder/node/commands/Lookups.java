package io.larder.node.commands;

import io.larder.engine.keyspace.Db;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.util.function.Consumer;
import java.util.function.Predicate;

/** Key lookups shared by the command families. */
public final class Lookups {
    private Lookups() {
    }

    /** A read lookup (Redis's lookupKeyRead): counts a keyspace hit or miss; a miss is a "keymiss" event. */
    public static Object read(Client c, Db db, byte[] key) {
        Object value = db.get(key);
        if (value == null) {
            c.node().stats().keyspaceMisses.increment();
            c.node().keyspaceEvents().notify(KeyspaceEvents.KEY_MISS, "keymiss", key, db.index());
        } else {
            c.node().stats().keyspaceHits.increment();
        }
        return value;
    }

    /**
     * A read lookup of a value of {@code type}: null after replying with {@code missing} when there is no key, or
     * with WRONGTYPE when it holds another type.
     */
    public static <T> T read(Client c, byte[] key, Class<T> type, Consumer<Client> missing) {
        return type.cast(checked(c, read(c, c.db(), key), type::isInstance, missing));
    }

    /** {@link #read(Client, byte[], Class, Consumer)} for a type told by {@code isType}. */
    public static Object read(Client c, byte[] key, Predicate<Object> isType, Consumer<Client> missing) {
        return checked(c, read(c, c.db(), key), isType, missing);
    }

    /** As {@link #read(Client, byte[], Class, Consumer)}, for a write (Redis's lookupKeyWrite: no hit or miss). */
    public static <T> T write(Client c, byte[] key, Class<T> type, Consumer<Client> missing) {
        return type.cast(checked(c, c.db().get(key), type::isInstance, missing));
    }

    /**
     * A read lookup of a value of {@code type} that lets a missing key through as null; {@code wrongType} after
     * replying WRONGTYPE.
     */
    public static <T> T readOrMissing(Client c, byte[] key, Class<T> type, T wrongType) {
        return orMissing(c, read(c, c.db(), key), type, wrongType);
    }

    /** As {@link #readOrMissing}, for a write (no hit or miss). */
    public static <T> T writeOrMissing(Client c, byte[] key, Class<T> type, T wrongType) {
        return orMissing(c, c.db().get(key), type, wrongType);
    }

    private static <T> T orMissing(Client c, Object value, Class<T> type, T wrongType) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        c.error(Errors.WRONGTYPE);
        return wrongType;
    }

    private static Object checked(Client c, Object value, Predicate<Object> isType, Consumer<Client> missing) {
        if (value == null) {
            missing.accept(c);
            return null;
        }
        if (!isType.test(value)) {
            c.error(Errors.WRONGTYPE);
            return null;
        }
        return value;
    }
}
