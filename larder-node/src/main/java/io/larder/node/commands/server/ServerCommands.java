package io.larder.node.commands.server;

import io.larder.node.command.CommandTable;

/** Server commands: INFO, COMMAND, DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, SLOWLOG, LATENCY, DEBUG, SHUTDOWN. */
public final class ServerCommands {
    private ServerCommands() {
    }

    public static void register(CommandTable table) {
    }
}
