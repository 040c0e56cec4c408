package io.larder.node.commands.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.ValueTypes;
import io.larder.node.command.CommandSpec;
import io.larder.node.config.ConfigParam;
import io.larder.node.persistence.Persistence;
import io.larder.node.server.Client;
import io.larder.node.server.NodeServer;
import io.larder.resp.ReplyWriter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DEBUG: SLEEP, SET-ACTIVE-EXPIRE, OBJECT, DIGEST, DIGEST-VALUE, PROTOCOL, RELOAD and HELP. Other
 * subcommands get Redis's reply for an unknown DEBUG subcommand.
 */
final class DebugCommand {
    private static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is"
            + " set to \"local\", you can run it from a local connection, otherwise you need to set this option in"
            + " the configuration file, and then restart the server.";
    private static final Pattern ATOF_PREFIX = Pattern.compile("^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private DebugCommand() {
    }

    static CommandSpec build() {
        return CommandSpec.builder("debug", -2).flags("admin noscript loading stale").acl("admin slow dangerous")
                .group("server").since("1.0.0").complexity("Depends on subcommand.")
                .summary("Testing and diagnostic helpers").handler(DebugCommand::debug).build();
    }

    private static void debug(Client c, byte[][] args) {
        if (!allowed(c)) {
            c.error(NOT_ALLOWED);
            return;
        }
        String sub = CommandCommand.text(args[1]).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "help" -> {
                if (args.length == 2) {
                    help(c);
                    return;
                }
            }
            case "sleep" -> {
                if (args.length == 3) {
                    sleep(c, atof(CommandCommand.text(args[2])));
                    return;
                }
            }
            case "set-active-expire" -> {
                if (args.length == 3) {
                    NodeServer server = c.node().server();
                    if (server != null) {
                        server.activeExpire(atoi(CommandCommand.text(args[2])) != 0);
                    }
                    c.reply().ok();
                    return;
                }
            }
            case "object" -> {
                if (args.length == 3) {
                    object(c, args[2]);
                    return;
                }
            }
            case "reload" -> {
                reload(c, args);
                return;
            }
            case "digest" -> {
                if (args.length == 2) {
                    digest(c);
                    return;
                }
            }
            case "digest-value" -> {
                digestValue(c, args);
                return;
            }
            case "protocol" -> {
                if (args.length == 3) {
                    protocol(c, CommandCommand.text(args[2]).toLowerCase(Locale.ROOT));
                    return;
                }
            }
            default -> {
            }
        }
        c.error("ERR unknown subcommand or wrong number of arguments for '" + CommandCommand.text(args[1])
                + "'. Try DEBUG HELP.");
    }

    /** enable-debug-command: no, yes, or local (loopback connections only). */
    private static boolean allowed(Client c) {
        ConfigParam p = c.node().config().find("enable-debug-command");
        if (p == null) {
            return true;
        }
        return switch (p.text()) {
            case "yes" -> true;
            case "local" -> c.channel().remoteAddress() instanceof InetSocketAddress a
                    && a.getAddress() != null && a.getAddress().isLoopbackAddress();
            default -> false;
        };
    }

    /** Blocks the whole server like Redis's single thread would: every stripe is held while sleeping. */
    private static void sleep(Client c, double seconds) {
        long nanos = (long) (seconds * 1e9);
        if (nanos > 0) {
            Keyspace keyspace = c.node().keyspace();
            keyspace.lockAll();
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                keyspace.unlockAll();
            }
        }
        c.reply().ok();
    }

    private static void object(Client c, byte[] key) {
        Keyspace keyspace = c.node().keyspace();
        int stripe = Keyspace.stripeOf(key);
        keyspace.lockStripe(stripe);
        try {
            Db db = c.db();
            Object value = db.get(key, false);
            if (value == null) {
                c.error("ERR no such key");
                return;
            }
            if (!StringValues.isString(value)) {
                c.error("ERR DEBUG OBJECT does not describe this type yet");
                return;
            }
            int lru = db.accessClock(key);
            long refcount = ValueTypes.refcount(value, ValueTypes.sharedIntegersAllowed(c.node().config()));
            c.reply().simple("Value at:0x" + Long.toHexString(0x7f0000000000L | System.identityHashCode(value))
                    + " refcount:" + refcount + " encoding:" + ValueTypes.encoding(value) + " serializedlength:"
                    + SerializedLength.of(StringValues.bytes(value)) + " lru:" + lru
                    + " lru_seconds_idle:" + ValueTypes.idleSeconds(keyspace.lruClock(), lru));
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }

    /** The length Redis's RDB would give a string value (DEBUG OBJECT's serializedlength, without LZF). */
    static final class SerializedLength {
        private SerializedLength() {
        }

        static long of(byte[] value) {
            if (value.length <= 20 && Numbers.isLong(value)) {
                return integerLength(Long.parseLong(new String(value, StandardCharsets.US_ASCII)), value.length);
            }
            return lengthPrefix(value.length) + value.length;
        }

        /** RDB integer encodings: 8, 16 or 32 bits after a one-byte tag; larger integers are saved as text. */
        private static long integerLength(long v, int textLength) {
            if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                return 2;
            }
            if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                return 3;
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return 5;
            }
            return lengthPrefix(textLength) + textLength;
        }

        private static int lengthPrefix(long len) {
            return len < 64 ? 1 : len < 16384 ? 2 : len <= 0xFFFFFFFFL ? 5 : 9;
        }
    }

    private static void digest(Client c) {
        Keyspace keyspace = c.node().keyspace();
        keyspace.lockAll();
        byte[] digest;
        try {
            digest = DatasetDigest.dataset(keyspace);
        } finally {
            keyspace.unlockAll();
        }
        c.reply().simple(DatasetDigest.hex(digest));
    }

    private static void digestValue(Client c, byte[][] args) {
        Keyspace keyspace = c.node().keyspace();
        c.reply().array(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            int stripe = Keyspace.stripeOf(args[i]);
            keyspace.lockStripe(stripe);
            try {
                c.reply().simple(DatasetDigest.hex(DatasetDigest.value(c.db(), args[i])));
            } finally {
                keyspace.unlockStripe(stripe);
            }
        }
    }

    private static final byte[] BIGNUM = "(1234567999999999999999999999999999999\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ATTRIBUTE = "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** One value of each RESP type, as the Redis test suite uses to check clients' protocol handling. */
    private static void protocol(Client c, String type) {
        ReplyWriter out = c.reply();
        switch (type) {
            case "string" -> out.bulk("Hello World");
            case "integer" -> out.integer(12345);
            case "double" -> out.doubleValue("3.141");
            case "bignum" -> {
                if (out.resp3()) {
                    out.raw(BIGNUM);
                } else {
                    out.bulk("1234567999999999999999999999999999999");
                }
            }
            case "null" -> out.nullBulk();
            case "array", "set" -> {
                if (type.equals("array")) {
                    out.array(3);
                } else {
                    out.set(3);
                }
                for (int i = 0; i < 3; i++) {
                    out.integer(i);
                }
            }
            case "map" -> {
                out.map(3);
                for (int i = 0; i < 3; i++) {
                    out.integer(i);
                    out.bool(i == 1);
                }
            }
            case "attrib" -> {
                if (out.resp3()) {
                    out.raw(ATTRIBUTE);
                }
                out.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (!out.resp3()) {
                    c.error("ERR RESP2 is not supported by this command");
                    return;
                }
                out.push(2);
                out.bulk("server-cpu-usage");
                out.integer(42);
                out.bulk("Some real reply following the push reply");
            }
            case "verbatim" -> out.verbatim("txt", "This is a verbatim\nstring");
            case "true" -> out.bool(true);
            case "false" -> out.bool(false);
            default -> c.error("ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    private static void help(Client c) {
        Help.reply(c, "DEBUG",
                "DIGEST",
                "    A hex signature of the whole dataset (equal datasets, equal signatures).",
                "DIGEST-VALUE <key> [<key> ...]",
                "    A hex signature of the value of each key.",
                "OBJECT <key>",
                "    Low level details of the value at <key>.",
                "PROTOCOL <type>",
                "    Reply with a sample value of a RESP type: string, integer, double, bignum, null,",
                "    array, set, map, attrib, push, verbatim, true, false.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    0 stops deleting expired keys in the background (keys still expire when accessed);",
                "    1 restores it.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>; decimals allowed.");
    }

    /** C's atof: the longest numeric prefix, 0 when there is none. */
    static double atof(String s) {
        Matcher m = ATOF_PREFIX.matcher(s);
        return m.find() ? Double.parseDouble(m.group()) : 0;
    }

    /** C's atoi: optional sign and leading digits, 0 when there are none. */
    static long atoi(String s) {
        Matcher m = Pattern.compile("^\\s*[+-]?\\d+").matcher(s);
        if (!m.find()) {
            return 0;
        }
        try {
            return Long.parseLong(m.group().strip());
        } catch (NumberFormatException e) {
            return 1; // overflowed: certainly not zero
        }
    }

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the RDB file, empties the keyspace and loads the file back,
     * holding every stripe meanwhile so no command sees the keyspace half loaded.
     */
    private static void reload(Client c, byte[][] args) {
        boolean merge = false, noFlush = false, noSave = false;
        for (int i = 2; i < args.length; i++) {
            switch (CommandCommand.text(args[i]).toLowerCase(Locale.ROOT)) {
                case "merge" -> merge = true;
                case "noflush" -> noFlush = true;
                case "nosave" -> noSave = true;
                default -> {
                    c.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                    return;
                }
            }
        }
        Persistence persistence = c.node().persistence();
        if (!noSave && persistence.save() != Persistence.Outcome.DONE) {
            c.error("ERR Error trying to save the DB");
            return;
        }
        Keyspace keyspace = c.node().keyspace();
        keyspace.lockAll();
        try {
            if (!noFlush) {
                keyspace.flushAll();
            }
            persistence.load(persistence.file(), merge);
        } catch (IOException | RuntimeException e) {
            System.err.println("DEBUG RELOAD: " + e.getMessage());
            c.error("ERR Error trying to load the RDB dump, check server logs.");
            return;
        } finally {
            keyspace.unlockAll();
        }
        c.reply().ok();
    }
}
