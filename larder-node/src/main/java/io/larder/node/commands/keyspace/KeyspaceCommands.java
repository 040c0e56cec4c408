package io.larder.node.commands.keyspace;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.server.Client;

/** DEL and EXISTS; the rest of the generic keyspace family registers here too. */
public final class KeyspaceCommands {
    private KeyspaceCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("del", -2).flags("write").keys(1, -1, 1).acl("keyspace write slow")
                .keySpecs(CommandSpec.KeySpec.range("RM delete", 1, -1, 1, 0)).group("generic")
                .summary("Deletes keys").handler(KeyspaceCommands::del).build());
        table.register(CommandSpec.builder("exists", -2).flags("readonly fast").keys(1, -1, 1).acl("keyspace read fast")
                .keySpecs(CommandSpec.KeySpec.range("RO", 1, -1, 1, 0)).group("generic")
                .summary("Counts the keys that exist").handler(KeyspaceCommands::exists).build());
    }

    private static void del(Client c, byte[][] args) {
        long n = 0;
        for (int i = 1; i < args.length; i++) {
            if (c.db().delete(args[i])) {
                n++;
            }
        }
        c.reply().integer(n);
    }

    private static void exists(Client c, byte[][] args) {
        long n = 0;
        for (int i = 1; i < args.length; i++) {
            if (c.db().exists(args[i])) {
                n++;
            }
        }
        c.reply().integer(n);
    }
}
