package io.larder.node.commands.server;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.server.Client;
import io.larder.node.server.SlowLog;

import java.util.List;

/** SLOWLOG GET [count] | LEN | RESET | HELP. */
final class SlowlogCommand {
    private static final int DEFAULT_COUNT = 10;

    private SlowlogCommand() {
    }

    static CommandSpec build() {
        return CommandSpec.builder("slowlog", -2).acl("slow").group("server").since("2.2.12")
                .complexity("Depends on subcommand.").summary("Inspects or clears the slow log")
                .subcommand(CommandSpec.builder("get", -2).flags("admin loading stale").acl("admin slow dangerous")
                        .tips("request_policy:all_nodes", "nondeterministic_output").group("server").since("2.2.12")
                        .complexity("O(N) where N is the number of entries returned")
                        .summary("Returns the newest slow log entries").handler(SlowlogCommand::get))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow").group("server")
                        .since("6.2.0").complexity("O(1)").summary("Explains the SLOWLOG subcommands")
                        .handler((c, a) -> Help.reply(c, "SLOWLOG",
                                "GET [<count>]",
                                "    The newest <count> entries (10 by default, -1 for all). Each entry holds:",
                                "    id, unix time, duration in microseconds, arguments, client address,",
                                "    client name.",
                                "LEN",
                                "    Number of entries.",
                                "RESET",
                                "    Delete every entry.")))
                .subcommand(CommandSpec.builder("len", 2).flags("admin loading stale").acl("admin slow dangerous")
                        .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
                        .group("server").since("2.2.12").complexity("O(1)").summary("Counts the slow log entries")
                        .handler((c, a) -> c.reply().integer(c.node().slowLog().size())))
                .subcommand(CommandSpec.builder("reset", 2).flags("admin loading stale").acl("admin slow dangerous")
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded").group("server")
                        .since("2.2.12").complexity("O(N) where N is the number of entries in the slowlog")
                        .summary("Deletes every slow log entry").handler((c, a) -> {
                            c.node().slowLog().reset();
                            c.reply().ok();
                        }))
                .build();
    }

    private static void get(Client c, byte[][] args) {
        if (args.length > 3) {
            c.error("ERR unknown subcommand or wrong number of arguments for '" + CommandCommand.text(args[1])
                    + "'. Try SLOWLOG HELP.");
            return;
        }
        long count = DEFAULT_COUNT;
        if (args.length == 3) {
            try {
                count = Numbers.parseLong(args[2]);
            } catch (Numbers.NotANumber e) {
                count = Long.MIN_VALUE;
            }
            if (count < -1) {
                c.error("ERR count should be greater than or equal to -1");
                return;
            }
        }
        List<SlowLog.Entry> entries = c.node().slowLog().newest(count > Integer.MAX_VALUE ? -1 : (int) count);
        c.reply().array(entries.size());
        for (SlowLog.Entry e : entries) {
            c.reply().array(6);
            c.reply().integer(e.id());
            c.reply().integer(e.unixSeconds());
            c.reply().integer(e.micros());
            c.reply().array(e.args().size());
            e.args().forEach(c.reply()::bulk);
            c.reply().bulk(e.peer());
            c.reply().bulk(e.clientName());
        }
    }
}
