package io.larder.node.commands.persistence;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.persistence.Persistence;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;

/** The persistence family: DUMP and RESTORE here and in {@link DumpRestore}, SAVE and BGSAVE. */
public final class PersistenceCommands {
    private static final String BGSAVE_IN_PROGRESS = "ERR Background save already in progress";

    private PersistenceCommands() {
    }

    public static void register(CommandTable table) {
        DumpRestore.register(table);
        table.register(CommandSpec.builder("save", 1).flags("admin noscript no_async_loading no_multi")
                .acl("admin slow dangerous").group("server").since("1.0.0")
                .complexity("O(N) where N is the total number of keys in all databases")
                .summary("Writes the dataset to the RDB file, answering when it is on disk")
                .handler(PersistenceCommands::save).build());
        table.register(CommandSpec.builder("bgsave", -1).flags("admin noscript no_async_loading")
                .acl("admin slow dangerous").group("server").since("1.0.0")
                .complexity("O(1)")
                .summary("Writes the dataset to the RDB file in the background")
                .handler(PersistenceCommands::bgsave).build());
    }

    private static void save(Client c, byte[][] args) {
        switch (c.node().persistence().save()) {
            case DONE -> c.reply().ok();
            case IN_PROGRESS -> c.error(BGSAVE_IN_PROGRESS);
            default -> c.error("ERR");
        }
    }

    private static void bgsave(Client c, byte[][] args) {
        boolean schedule = false;
        if (args.length > 1) {
            if (args.length == 2 && new String(args[1], StandardCharsets.ISO_8859_1).equalsIgnoreCase("schedule")) {
                schedule = true;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Persistence persistence = c.node().persistence();
        if (persistence.bgsaveInProgress()) {
            c.error(BGSAVE_IN_PROGRESS);
            return;
        }
        if (c.transaction().executing()) {
            // as in Redis: inside EXEC a background save only gets scheduled
            persistence.scheduleBgsave();
            c.reply().simple("Background saving scheduled");
            return;
        }
        switch (persistence.bgsave(schedule)) {
            case STARTED -> c.reply().simple("Background saving started");
            case SCHEDULED -> c.reply().simple("Background saving scheduled");
            case IN_PROGRESS -> c.error(schedule ? BGSAVE_IN_PROGRESS : "ERR Another child process is active (AOF?): "
                    + "can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            default -> c.error("ERR");
        }
    }
}
