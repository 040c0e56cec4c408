package io.larder.node.commands.connection;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.engine.util.Numbers;

/** PING, ECHO, QUIT, SELECT: the commands a connection needs before anything else. */
public final class ConnectionCommands {
    private ConnectionCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("ping", -1).flags("fast").acl("fast connection")
                .tips("request_policy:all_shards", "response_policy:all_succeeded").group("connection")
                .summary("Returns PONG, or the argument, to check the connection").handler(ConnectionCommands::ping).build());
        table.register(CommandSpec.builder("echo", 2).flags("fast").acl("fast connection").group("connection")
                .summary("Returns the argument").handler((c, a) -> c.reply().bulk(a[1])).build());
        table.register(CommandSpec.builder("quit", -1).flags("noscript loading stale fast no-auth allow-busy")
                .acl("fast connection").group("connection").summary("Closes the connection")
                .handler(ConnectionCommands::quit).build());
        table.register(CommandSpec.builder("select", 2).flags("loading stale fast").acl("fast connection")
                .group("connection").summary("Changes the selected database").handler(ConnectionCommands::select).build());
    }

    private static void ping(Client c, byte[][] args) {
        if (args.length > 2) {
            c.error("ERR wrong number of arguments for 'ping' command");
        } else if (args.length == 2) {
            c.reply().bulk(args[1]);
        } else {
            c.reply().simple("PONG");
        }
    }

    private static void quit(Client c, byte[][] args) {
        c.reply().ok();
        c.closeAfterReply();
    }

    private static void select(Client c, byte[][] args) {
        long index;
        try {
            index = Numbers.parseLong(args[1]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        if (index < 0 || index >= c.node().keyspace().databaseCount()) {
            c.error(Errors.DB_INDEX_OUT_OF_RANGE);
            return;
        }
        c.select((int) index);
        c.reply().ok();
    }
}
