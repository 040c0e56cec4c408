package io.larder.node.commands;

import io.larder.node.command.CommandTable;
import io.larder.node.commands.config.ConfigCommand;
import io.larder.node.commands.connection.ConnectionCommands;
import io.larder.node.commands.hash.HashCommands;
import io.larder.node.commands.keyspace.KeyspaceCommands;
import io.larder.node.commands.server.ServerCommands;
import io.larder.node.commands.string.StringCommands;

/** The one list of command families the node serves; each family registers its commands. */
public final class Commands {
    private Commands() {
    }

    public static void registerAll(CommandTable table) {
        ConnectionCommands.register(table);
        ConfigCommand.register(table);
        ServerCommands.register(table);
        StringCommands.register(table);
        KeyspaceCommands.register(table);
        HashCommands.register(table);
        io.larder.node.commands.set.SetCommands.register(table);
        io.larder.node.commands.pubsub.PubSubCommands.register(table);
    }
}
