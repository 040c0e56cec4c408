package io.larder.node.commands.keyspace;

import io.larder.node.commands.ValueTypes;
import io.larder.engine.keyspace.Db;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.util.Arrays;

/**
 * RENAME, RENAMENX, COPY and MOVE: a value changes key or database and carries its TTL along.
 * <p>
 * MOVE and COPY ... DB touch another database without locking anything more: a key lives in the same slot in
 * every database and the dispatcher's stripe lock covers that slot in all of them.
 */
final class RenameCommands {
    private static final String SAME_OBJECT = "ERR source and destination objects are the same";

    private RenameCommands() {
    }

    static void register(CommandTable table) {
        table.register(CommandSpec.builder("rename", 3).flags("write").keys(1, 2, 1).acl("keyspace write slow")
                .keySpecs(KeySpec.range("RW access delete", 1, 0, 1, 0), KeySpec.range("OW update", 2, 0, 1, 0))
                .summary("Renames a key, overwriting the destination")
                .handler((c, args) -> rename(c, args, false)).build());
        table.register(CommandSpec.builder("renamenx", 3).flags("write fast").keys(1, 2, 1).acl("keyspace write fast")
                .keySpecs(KeySpec.range("RW access delete", 1, 0, 1, 0), KeySpec.range("OW insert", 2, 0, 1, 0))
                .summary("Renames a key only when the new name is free")
                .handler((c, args) -> rename(c, args, true)).build());
        table.register(CommandSpec.builder("copy", -3).flags("write denyoom").keys(1, 2, 1).acl("keyspace write slow")
                .keySpecs(KeySpec.range("RO access", 1, 0, 1, 0), KeySpec.range("OW update", 2, 0, 1, 0))
                .since("6.2.0").summary("Copies the value of a key to a new key")
                .handler(RenameCommands::copy).build());
        table.register(CommandSpec.builder("move", 3).flags("write fast").keys(1, 1, 1).acl("keyspace write fast")
                .keySpecs(KeySpec.range("RW access update", 1, 0, 1, 0))
                .summary("Moves a key to another database").handler(RenameCommands::move).build());
    }

    private static void rename(Client c, byte[][] args, boolean onlyIfFree) {
        Db db = c.db();
        byte[] from = args[1];
        byte[] to = args[2];
        long expireAt = db.expiry(from);
        Object value = expireAt < 0 ? null : db.get(from);
        if (value == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (Arrays.equals(from, to)) {
            // Nothing to do; RENAMENX reports that the name was taken
            if (onlyIfFree) {
                c.reply().integer(0);
            } else {
                c.reply().ok();
            }
            return;
        }
        if (onlyIfFree && db.exists(to)) {
            c.reply().integer(0);
            return;
        }
        db.delete(to); // so that the destination is created anew ("new" event), as Redis's dbDelete + dbAdd
        db.put(to, value, expireAt, false);
        db.delete(from);
        db.signalModified(from);
        db.signalModified(to);
        c.notify(KeyspaceEvents.GENERIC, "rename_from", from);
        c.notify(KeyspaceEvents.GENERIC, "rename_to", to);
        c.node().blocked().signal(c.dbIndex(), to);
        if (onlyIfFree) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    /** COPY source destination [DB index] [REPLACE]. */
    record CopyOptions(int targetDb, boolean replace) {
        /** The options, or null after replying with the error. */
        static CopyOptions parse(Client c, byte[][] args) {
            int targetDb = c.dbIndex();
            boolean replace = false;
            for (int i = 3; i < args.length; i++) {
                String option = new String(args[i], java.nio.charset.StandardCharsets.ISO_8859_1);
                if (option.equalsIgnoreCase("replace")) {
                    replace = true;
                } else if (option.equalsIgnoreCase("db") && i + 1 < args.length) {
                    targetDb = DbIndex.parse(c, args[++i]);
                    if (targetDb == DbIndex.INVALID) {
                        return null;
                    }
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new CopyOptions(targetDb, replace);
        }
    }

    private static void copy(Client c, byte[][] args) {
        CopyOptions options = CopyOptions.parse(c, args);
        if (options == null) {
            return;
        }
        byte[] from = args[1];
        byte[] to = args[2];
        if (options.targetDb() == c.dbIndex() && Arrays.equals(from, to)) {
            c.error(SAME_OBJECT);
            return;
        }
        Db source = c.db();
        Db target = c.node().keyspace().db(options.targetDb());
        long expireAt = source.expiry(from);
        Object value = expireAt < 0 ? null : source.get(from);
        if (value == null) {
            c.notify(KeyspaceEvents.KEY_MISS, "keymiss", from); // Redis reads the source with lookupKeyRead
        }
        if (value == null || !options.replace() && target.exists(to)) {
            c.reply().integer(0);
            return;
        }
        target.delete(to); // REPLACE: the destination is created anew ("new" event), as Redis's dbDelete + dbAdd
        target.put(to, ValueTypes.copy(value), expireAt, false);
        target.signalModified(to);
        c.node().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "copy_to", to, options.targetDb());
        c.node().blocked().signal(options.targetDb(), to);
        c.reply().integer(1);
    }

    private static void move(Client c, byte[][] args) {
        int targetIndex = DbIndex.parse(c, args[2]);
        if (targetIndex == DbIndex.INVALID) {
            return;
        }
        if (targetIndex == c.dbIndex()) {
            c.error(SAME_OBJECT);
            return;
        }
        Db source = c.db();
        Db target = c.node().keyspace().db(targetIndex);
        byte[] key = args[1];
        long expireAt = source.expiry(key);
        Object value = expireAt < 0 ? null : source.get(key);
        if (value == null || target.exists(key)) {
            c.reply().integer(0);
            return;
        }
        target.put(key, value, expireAt, false);
        source.delete(key);
        source.signalModified(key);
        target.signalModified(key);
        c.node().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "move_from", key, c.dbIndex());
        c.node().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "move_to", key, targetIndex);
        c.node().blocked().signal(targetIndex, key);
        c.reply().integer(1);
    }
}
