package io.larder.node.persistence.aof;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;

/** BGREWRITEAOF. */
public final class AofCommands {
    private AofCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("bgrewriteaof", 1).flags("admin noscript no_async_loading")
                .acl("admin slow dangerous").group("server").since("1.0.0").complexity("O(1)")
                .summary("Rewrites the append-only file in the background from the current data")
                .handler((c, a) -> {
                    if (c.node().aof().bgrewrite()) {
                        c.reply().simple("Background append only file rewriting started");
                    } else {
                        c.error("ERR Background append only file rewriting already in progress");
                    }
                }).build());
    }
}
