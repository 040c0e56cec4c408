package io.larder.node.commands.transaction;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.server.Client;
import io.larder.node.server.Transaction;

/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing happens in the dispatcher (every command but these, QUIT and
 * RESET is queued while a MULTI is open); EXEC runs the queue there too, under the stripes it needs.
 */
public final class TransactionCommands {
    private static final String CONTROL = "noscript loading stale fast allow_busy";

    private TransactionCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("multi", 1).flags(CONTROL).acl("fast transaction").group("transactions")
                .since("1.2.0").complexity("O(1)").summary("Starts a transaction")
                .handler((c, a) -> multi(c)).build());
        table.register(CommandSpec.builder("exec", 1).flags("noscript loading stale skip_slowlog")
                .acl("slow transaction").group("transactions").since("1.2.0")
                .complexity("Depends on commands in the transaction").summary("Runs the commands queued since MULTI")
                .handler((c, a) -> c.node().dispatcher().exec(c)).build());
        table.register(CommandSpec.builder("discard", 1).flags(CONTROL).acl("fast transaction").group("transactions")
                .since("2.0.0").complexity("O(N), when N is the number of queued commands")
                .summary("Drops the commands queued since MULTI").handler((c, a) -> discard(c)).build());
        table.register(CommandSpec.builder("watch", -2).flags(CONTROL).keys(1, -1, 1).acl("fast transaction")
                .keySpecs(KeySpec.range("RO", 1, -1, 1, 0)).group("transactions").since("2.2.0")
                .complexity("O(1) for every key.")
                .summary("Makes the next EXEC conditional on the given keys staying unmodified")
                .handler(TransactionCommands::watch).build());
        table.register(CommandSpec.builder("unwatch", 1).flags(CONTROL).acl("fast transaction").group("transactions")
                .since("2.2.0").complexity("O(1)").summary("Forgets every key WATCHed by the connection")
                .handler((c, a) -> {
                    c.transaction().unwatch();
                    c.reply().ok();
                }).build());
    }

    private static void multi(Client c) {
        Transaction tx = c.transaction();
        if (tx.open()) {
            c.error("ERR MULTI calls can not be nested");
            return;
        }
        tx.begin();
        c.reply().ok();
    }

    private static void discard(Client c) {
        Transaction tx = c.transaction();
        if (!tx.open()) {
            c.error("ERR DISCARD without MULTI");
            return;
        }
        tx.discard();
        c.reply().ok();
    }

    private static void watch(Client c, byte[][] args) {
        Transaction tx = c.transaction();
        if (tx.open()) {
            c.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        // Already doomed: watching more cannot save it (Redis skips the work too).
        if (!tx.dirty()) {
            for (int i = 1; i < args.length; i++) {
                tx.watch(c.db(), args[i]);
            }
        }
        c.reply().ok();
    }
}
