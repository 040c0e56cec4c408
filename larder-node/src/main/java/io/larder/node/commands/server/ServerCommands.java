package io.larder.node.commands.server;

import io.larder.node.command.CommandTable;

/** Server commands: INFO, COMMAND, DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, LASTSAVE, SLOWLOG, LATENCY, DEBUG, SHUTDOWN. */
public final class ServerCommands {
    private ServerCommands() {
    }

    public static void register(CommandTable table) {
        table.register(InfoCommand.build());
        table.register(CommandCommand.build());
        DatabaseCommands.register(table);
        TimeCommands.register(table);
        table.register(ShutdownCommand.build());
        table.register(SlowlogCommand.build());
        table.register(LatencyCommand.build());
        table.register(DebugCommand.build());
    }
}
