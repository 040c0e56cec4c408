package io.larder.node.commands.collection;

import io.larder.engine.keyspace.Db;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.util.function.IntSupplier;
import java.util.function.Predicate;

/** HDEL, SREM and ZREM: removing the elements named from {@code args[2]} on from the value at {@code args[1]}. */
public final class Removals {
    private Removals() {
    }

    /**
     * Removes each element with {@code remove} (false when it was not there), deletes the key once {@code size}
     * reaches 0, signals the key and reports {@code event} (of class {@code eventClass}, then "del" for a
     * deleted key) when anything went, and replies with how many did.
     */
    public static void members(Client c, byte[][] args, int eventClass, String event, Predicate<byte[]> remove,
                               IntSupplier size) {
        Db db = c.db();
        int removed = 0;
        boolean deleted = false;
        for (int i = 2; i < args.length; i++) {
            if (remove.test(args[i])) {
                removed++;
                if (size.getAsInt() == 0) {
                    db.delete(args[1]);
                    deleted = true;
                    break;
                }
            }
        }
        if (removed > 0) {
            db.signalModified(args[1]);
            c.notify(eventClass, event, args[1]);
            if (deleted) {
                c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
            }
        }
        c.reply().integer(removed);
    }
}
