package io.larder.node.commands.server;

import io.larder.node.command.CommandSpec;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.replication.ShutdownWait;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: waits for the replicas to catch up (unless NOW), saves the RDB
 * file when asked to or when save points exist (a failed save keeps the node running unless FORCE), then closes
 * its connections and listeners and exits; ABORT cancels a shutdown waiting for its replicas ({@link ShutdownWait}).
 */
final class ShutdownCommand {
    private ShutdownCommand() {
    }

    record Options(boolean noSave, boolean save, boolean now, boolean force, boolean abort) {
        /** Null on an unknown word or a combination Redis rejects. */
        static Options parse(byte[][] args) {
            boolean noSave = false, save = false, now = false, force = false, abort = false;
            for (int i = 1; i < args.length; i++) {
                switch (new String(args[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)) {
                    case "nosave" -> noSave = true;
                    case "save" -> save = true;
                    case "now" -> now = true;
                    case "force" -> force = true;
                    case "abort" -> abort = true;
                    default -> {
                        return null;
                    }
                }
            }
            if (abort && (noSave || save || now || force) || noSave && save) {
                return null;
            }
            return new Options(noSave, save, now, force, abort);
        }
    }

    static CommandSpec build() {
        return CommandSpec.builder("shutdown", -1).flags("admin noscript loading stale no_multi allow_busy")
                .acl("admin slow dangerous").group("server").since("1.0.0")
                .complexity("O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
                .summary("Stops the server").handler(ShutdownCommand::shutdown).build();
    }

    private static void shutdown(Client c, byte[][] args) {
        Options options = Options.parse(args);
        if (options == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        ShutdownWait shutdown = c.node().replication().shutdownWait();
        if (options.abort()) {
            if (shutdown.abort()) {
                c.reply().ok();
            } else {
                c.error("ERR No shutdown in progress.");
            }
            return;
        }
        // During a busy script only SHUTDOWN NOSAVE may stop the server, as in Redis.
        String busy = c.node().scripting().busyError();
        if (busy != null && !options.noSave()) {
            c.error(busy);
            return;
        }
        Boolean save = options.save() ? Boolean.TRUE : options.noSave() ? Boolean.FALSE : null;
        // Like Redis, no reply on success: the client sees the connection close.
        String refused = shutdown.request(c, new ShutdownWait.Flags(save, options.now(), options.force()));
        if (refused != null) {
            c.error(refused);
        }
    }
}
