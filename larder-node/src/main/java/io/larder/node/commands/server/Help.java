package io.larder.node.commands.server;

import io.larder.node.server.Client;

/** The HELP subcommand reply every container command shares: a title line, the given lines, and HELP itself. */
public final class Help {
    private Help() {
    }

    public static void reply(Client c, String command, String... lines) {
        c.reply().array(lines.length + 3);
        c.reply().simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            c.reply().simple(line);
        }
        c.reply().simple("HELP");
        c.reply().simple("    Print this help.");
    }
}
