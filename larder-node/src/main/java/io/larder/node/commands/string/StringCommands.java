package io.larder.node.commands.string;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

/** GET and SET; the rest of the string family registers here too. */
public final class StringCommands {
    private StringCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("get", 2).flags("readonly fast").keys(1, 1, 1).acl("read string fast")
                .keySpecs(CommandSpec.KeySpec.range("RO access", 1, 0, 1, 0)).group("string")
                .summary("Returns the string value of a key").handler(StringCommands::get).build());
        table.register(CommandSpec.builder("set", -3).flags("write denyoom").keys(1, 1, 1).acl("write string slow")
                .keySpecs(CommandSpec.KeySpec.range("RW access update variable_flags", 1, 0, 1, 0)).group("string")
                .summary("Sets the string value of a key").handler(StringCommands::set).build());
    }

    private static void get(Client c, byte[][] args) {
        Object v = c.db().get(args[1]);
        if (v == null) {
            c.node().stats().keyspaceMisses.increment();
            c.reply().nullBulk();
        } else if (v instanceof byte[] bytes) {
            c.node().stats().keyspaceHits.increment();
            c.reply().bulk(bytes);
        } else {
            c.error(Errors.WRONGTYPE);
        }
    }

    private static void set(Client c, byte[][] args) {
        if (args.length != 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        c.db().put(args[1], args[2]);
        c.reply().ok();
    }
}
