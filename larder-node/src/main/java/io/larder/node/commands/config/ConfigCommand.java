package io.larder.node.commands.config;

import io.larder.node.command.CommandTable;

/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP. */
public final class ConfigCommand {
    private ConfigCommand() {
    }

    public static void register(CommandTable table) {
    }
}
