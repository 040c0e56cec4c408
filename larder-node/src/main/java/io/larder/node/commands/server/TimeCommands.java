package io.larder.node.commands.server;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;

import java.time.Instant;

/** TIME and LASTSAVE. */
final class TimeCommands {
    private TimeCommands() {
    }

    static void register(CommandTable table) {
        table.register(CommandSpec.builder("time", 1).flags("loading stale fast").acl("fast")
                .tips("nondeterministic_output").group("server").since("2.6.0").complexity("O(1)")
                .summary("Returns the server's clock: unix seconds and microseconds").handler((c, a) -> {
                    Instant now = Instant.now();
                    c.reply().array(2);
                    c.reply().bulkLong(now.getEpochSecond());
                    c.reply().bulkLong(now.getNano() / 1000);
                }).build());
        table.register(CommandSpec.builder("lastsave", 1).flags("loading stale fast").acl("admin fast dangerous")
                .tips("nondeterministic_output").group("server").since("1.0.0").complexity("O(1)")
                .summary("Returns the unix time of the last successful save")
                .handler((c, a) -> c.reply().integer(c.node().lastSaveSeconds())).build());
    }
}
