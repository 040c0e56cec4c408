package io.larder.node.commands;

import io.larder.node.command.CommandTable;

/** The one list of command families the node serves. */
public final class Commands {
    private Commands() {
    }

    public static void registerAll(CommandTable table) {
        io.larder.node.commands.connection.ConnectionCommands.register(table);
        io.larder.node.commands.string.StringCommands.register(table);
        io.larder.node.commands.keyspace.KeyspaceCommands.register(table);
    }
}
