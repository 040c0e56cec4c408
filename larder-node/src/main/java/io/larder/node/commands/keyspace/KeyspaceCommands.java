package io.larder.node.commands.keyspace;

import io.larder.node.commands.ValueTypes;
import io.larder.engine.keyspace.Db;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/**
 * The generic keyspace family: DEL, UNLINK, EXISTS, TOUCH and TYPE here, and the rest from the classes of this
 * package (renaming and copying, expiry, iteration, OBJECT).
 */
public final class KeyspaceCommands {
    private static final String[] MULTI_SHARD_SUM = {"request_policy:multi_shard", "response_policy:agg_sum"};

    private KeyspaceCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("del", -2).flags("write").keys(1, -1, 1).acl("keyspace write slow")
                .tips(MULTI_SHARD_SUM).keySpecs(KeySpec.range("RM delete", 1, -1, 1, 0))
                .summary("Deletes keys").handler(KeyspaceCommands::delete).build());
        // UNLINK frees values in the background in Redis; here the garbage collector always does.
        table.register(CommandSpec.builder("unlink", -2).flags("write fast").keys(1, -1, 1).acl("keyspace write fast")
                .tips(MULTI_SHARD_SUM).keySpecs(KeySpec.range("RM delete", 1, -1, 1, 0)).since("4.0.0")
                .summary("Deletes keys, freeing their memory later").handler(KeyspaceCommands::delete).build());
        table.register(CommandSpec.builder("exists", -2).flags("readonly fast").keys(1, -1, 1).acl("keyspace read fast")
                .tips(MULTI_SHARD_SUM).keySpecs(KeySpec.range("RO", 1, -1, 1, 0))
                .summary("Counts the keys that exist").handler(KeyspaceCommands::exists).build());
        table.register(CommandSpec.builder("touch", -2).flags("readonly fast").keys(1, -1, 1).acl("keyspace read fast")
                .tips(MULTI_SHARD_SUM).keySpecs(KeySpec.range("RO", 1, -1, 1, 0)).since("3.2.1")
                .summary("Counts the keys that exist and marks them as just accessed")
                .handler(KeyspaceCommands::touch).build());
        table.register(CommandSpec.builder("type", 2).flags("readonly fast").keys(1, 1, 1).acl("keyspace read fast")
                .keySpecs(KeySpec.range("RO", 1, 0, 1, 0))
                .summary("Names the type of the value of a key").handler(KeyspaceCommands::type).build());
        RenameCommands.register(table);
        ExpireCommands.register(table);
        IterationCommands.register(table);
        ObjectCommand.register(table);
    }

    private static void delete(Client c, byte[][] args) {
        Db db = c.db();
        long n = 0;
        for (int i = 1; i < args.length; i++) {
            if (db.delete(args[i])) {
                db.signalModified(args[i]);
                c.notify(KeyspaceEvents.GENERIC, "del", args[i]);
                n++;
            }
        }
        c.reply().integer(n);
    }

    /** Counts every argument that names a live key, repeats included, as Redis does. */
    private static void exists(Client c, byte[][] args) {
        Db db = c.db();
        long n = 0;
        for (int i = 1; i < args.length; i++) {
            if (db.exists(args[i])) {
                n++;
            } else {
                c.notify(KeyspaceEvents.KEY_MISS, "keymiss", args[i]);
            }
        }
        c.reply().integer(n);
    }

    private static void touch(Client c, byte[][] args) {
        Db db = c.db();
        long n = 0;
        for (int i = 1; i < args.length; i++) {
            if (db.get(args[i], true) != null) {
                n++;
            } else {
                c.notify(KeyspaceEvents.KEY_MISS, "keymiss", args[i]);
            }
        }
        c.reply().integer(n);
    }

    private static void type(Client c, byte[][] args) {
        Object value = c.db().get(args[1], false);
        if (value == null) {
            c.notify(KeyspaceEvents.KEY_MISS, "keymiss", args[1]);
        }
        c.reply().simple(value == null ? "none" : ValueTypes.typeName(value));
    }
}
