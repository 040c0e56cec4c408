package io.larder.node.commands.keyspace;

import io.larder.engine.keyspace.Db;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Args;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.nio.charset.StandardCharsets;

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX/XX/GT/LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.
 * Expiry times are absolute unix milliseconds; every command reads the clock once, so a key cannot expire
 * half-way through a command.
 */
final class ExpireCommands {
    private ExpireCommands() {
    }

    /** How EXPIRE-like commands turn their argument into unix milliseconds. */
    private enum Unit {
        RELATIVE_SECONDS(true, true), RELATIVE_MILLIS(false, true), UNIX_SECONDS(true, false), UNIX_MILLIS(false, false);

        final boolean seconds;
        final boolean relative;

        Unit(boolean seconds, boolean relative) {
            this.seconds = seconds;
            this.relative = relative;
        }
    }

    static void register(CommandTable table) {
        registerExpire(table, "expire", Unit.RELATIVE_SECONDS, "1.0.0", "Sets a key's time to live in seconds");
        registerExpire(table, "pexpire", Unit.RELATIVE_MILLIS, "2.6.0", "Sets a key's time to live in milliseconds");
        registerExpire(table, "expireat", Unit.UNIX_SECONDS, "1.2.0", "Sets a key's expiry as a unix time in seconds");
        registerExpire(table, "pexpireat", Unit.UNIX_MILLIS, "2.6.0",
                "Sets a key's expiry as a unix time in milliseconds");
        registerRead(table, "ttl", "1.0.0", "Returns a key's time to live in seconds", true,
                (at, now) -> (remaining(at, now) + 500) / 1000);
        registerRead(table, "pttl", "2.6.0", "Returns a key's time to live in milliseconds", true, ExpireCommands::remaining);
        registerRead(table, "expiretime", "7.0.0", "Returns a key's expiry as a unix time in seconds", false,
                (at, now) -> at / 1000);
        registerRead(table, "pexpiretime", "7.0.0", "Returns a key's expiry as a unix time in milliseconds", false,
                (at, now) -> at);
        table.register(CommandSpec.builder("persist", 2).flags("write fast").keys(1, 1, 1).acl("keyspace write fast")
                .keySpecs(KeySpec.range("RW update", 1, 0, 1, 0)).since("2.2.0")
                .summary("Removes a key's expiry").handler(ExpireCommands::persist).build());
    }

    private static void registerExpire(CommandTable table, String name, Unit unit, String since, String summary) {
        table.register(CommandSpec.builder(name, -3).flags("write fast").keys(1, 1, 1).acl("keyspace write fast")
                .keySpecs(KeySpec.range("RW update", 1, 0, 1, 0)).since(since).summary(summary)
                .handler((c, args) -> expire(c, args, name, unit)).build());
    }

    /** Turns a key's expiry (unix ms, never 0 here) and the current time into the reply. */
    @FunctionalInterface
    private interface ExpiryReply {
        long of(long expireAt, long now);
    }

    private static void registerRead(CommandTable table, String name, String since, String summary,
                                     boolean nondeterministic, ExpiryReply reply) {
        CommandSpec.Builder b = CommandSpec.builder(name, 2).flags("readonly fast").keys(1, 1, 1)
                .acl("keyspace read fast").keySpecs(KeySpec.range("RO access", 1, 0, 1, 0)).since(since)
                .summary(summary).handler((c, args) -> readExpiry(c, args, reply));
        if (nondeterministic) {
            b.tips("nondeterministic_output");
        }
        table.register(b.build());
    }

    private static long remaining(long expireAt, long now) {
        return Math.max(0, expireAt - now);
    }

    /** The NX/XX/GT/LT conditions of the EXPIRE family. */
    record Conditions(boolean nx, boolean xx, boolean gt, boolean lt) {
        static final Conditions NONE = new Conditions(false, false, false, false);

        /** The conditions, or null after replying with the error. */
        static Conditions parse(Client c, byte[][] args) {
            if (args.length == 3) {
                return NONE;
            }
            boolean nx = false;
            boolean xx = false;
            boolean gt = false;
            boolean lt = false;
            for (int i = 3; i < args.length; i++) {
                String option = new String(args[i], StandardCharsets.UTF_8);
                switch (option.toLowerCase(java.util.Locale.ROOT)) {
                    case "nx" -> nx = true;
                    case "xx" -> xx = true;
                    case "gt" -> gt = true;
                    case "lt" -> lt = true;
                    default -> {
                        c.error("ERR Unsupported option " + option);
                        return null;
                    }
                }
            }
            if (nx && (xx || gt || lt)) {
                c.error("ERR NX and XX, GT or LT options at the same time are not compatible");
                return null;
            }
            if (gt && lt) {
                c.error("ERR GT and LT options at the same time are not compatible");
                return null;
            }
            return new Conditions(nx, xx, gt, lt);
        }

        /** Whether the new expiry may replace {@code current} (0 when the key has none, which counts as infinite). */
        boolean allow(long current, long when) {
            boolean persistent = current == 0;
            if (nx && !persistent || xx && persistent) {
                return false;
            }
            if (gt && (persistent || when <= current)) {
                return false;
            }
            return !lt || persistent || when < current;
        }
    }

    private static void expire(Client c, byte[][] args, String name, Unit unit) {
        Conditions conditions = Conditions.parse(c, args);
        if (conditions == null) {
            return;
        }
        Long when = Args.parseLong(c, args[2]);
        if (when == null) {
            return;
        }
        Db db = c.db();
        long now = db.keyspace().clock().millis();
        long base = unit.relative ? now : 0;
        if (unit.seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                c.error(invalidExpireTime(name));
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - base) {
            c.error(invalidExpireTime(name));
            return;
        }
        when += base;
        long current = db.expiry(args[1]);
        if (current < 0 || !conditions.allow(current, when)) {
            c.reply().integer(0);
            return;
        }
        if (db.keyspace().deletesAtOnce(when, now)) {
            db.delete(args[1]);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
        } else {
            db.expire(args[1], when);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "expire", args[1]);
        }
        c.reply().integer(1);
    }

    private static String invalidExpireTime(String name) {
        return "ERR invalid expire time in '" + name + "' command";
    }

    private static void readExpiry(Client c, byte[][] args, ExpiryReply reply) {
        Db db = c.db();
        long now = db.keyspace().clock().millis();
        long at = db.expiry(args[1]);
        if (at < 0) {
            c.notify(KeyspaceEvents.KEY_MISS, "keymiss", args[1]);
        }
        c.reply().integer(at < 0 ? -2 : at == 0 ? -1 : reply.of(at, now));
    }

    private static void persist(Client c, byte[][] args) {
        Db db = c.db();
        boolean hadExpiry = db.expiry(args[1]) > 0;
        if (hadExpiry) {
            db.expire(args[1], 0);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "persist", args[1]);
        }
        c.reply().integer(hadExpiry ? 1 : 0);
    }
}
