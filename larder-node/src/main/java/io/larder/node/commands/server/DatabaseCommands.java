package io.larder.node.commands.server;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;

/** DBSIZE, FLUSHDB, FLUSHALL and SWAPDB: commands over whole databases. */
final class DatabaseCommands {
    private DatabaseCommands() {
    }

    static void register(CommandTable table) {
        // DBSIZE sums per-stripe counters without locking, like Redis reading its dict size: O(stripes).
        table.register(CommandSpec.builder("dbsize", 1).flags("readonly fast").acl("keyspace read fast")
                .tips("request_policy:all_shards", "response_policy:agg_sum").group("server").since("1.0.0")
                .complexity("O(1)").summary("Counts the keys of the selected database")
                .handler((c, a) -> c.reply().integer(c.db().size())).build());
        table.register(CommandSpec.builder("flushdb", -1).flags("write").acl("keyspace write slow dangerous")
                .tips("request_policy:all_shards", "response_policy:all_succeeded").group("server").since("1.0.0")
                .complexity("O(N) where N is the number of keys in the selected database")
                .summary("Deletes every key of the selected database").wholeKeyspace()
                .handler((c, a) -> flush(c, a, false)).build());
        table.register(CommandSpec.builder("flushall", -1).flags("write").acl("keyspace write slow dangerous")
                .tips("request_policy:all_shards", "response_policy:all_succeeded").group("server").since("1.0.0")
                .complexity("O(N) where N is the total number of keys in all databases")
                .summary("Deletes every key of every database").wholeKeyspace()
                .handler((c, a) -> flush(c, a, true)).build());
        table.register(CommandSpec.builder("swapdb", 3).flags("write fast").acl("keyspace write fast dangerous")
                .group("server").since("4.0.0")
                .complexity("O(N) where N is the count of clients watching or blocking on keys from both databases.")
                .summary("Exchanges the contents of two databases").wholeKeyspace()
                .handler(DatabaseCommands::swapdb).build());
    }

    /** FLUSHDB/FLUSHALL [ASYNC|SYNC]: both modes free synchronously, the reply is the same. */
    private static void flush(Client c, byte[][] args, boolean all) {
        if (args.length > 2) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (args.length == 2) {
            String mode = new String(args[1], StandardCharsets.UTF_8);
            if (!mode.equalsIgnoreCase("sync") && !mode.equalsIgnoreCase("async")) {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Keyspace keyspace = c.node().keyspace();
        if (all) {
            keyspace.flushAll();
        } else {
            keyspace.flush(c.dbIndex());
        }
        c.reply().ok();
    }

    private static void swapdb(Client c, byte[][] args) {
        Integer first = dbIndex(args[1]);
        if (first == null) {
            c.error("ERR invalid first DB index");
            return;
        }
        Integer second = dbIndex(args[2]);
        if (second == null) {
            c.error("ERR invalid second DB index");
            return;
        }
        Keyspace keyspace = c.node().keyspace();
        if (first < 0 || first >= keyspace.databaseCount() || second < 0 || second >= keyspace.databaseCount()) {
            c.error(Errors.DB_INDEX_OUT_OF_RANGE);
            return;
        }
        if (!first.equals(second)) {
            keyspace.swap(first, second);
        }
        c.reply().ok();
    }

    /** A C int, or null (Redis's getIntFromObject). */
    private static Integer dbIndex(byte[] arg) {
        try {
            long v = Numbers.parseLong(arg);
            return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? null : (int) v;
        } catch (Numbers.NotANumber e) {
            return null;
        }
    }
}
