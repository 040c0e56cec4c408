package io.larder.node.commands.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/** SET and its older forms (SETNX, SETEX, PSETEX, GETSET), MSET and MSETNX. */
final class SetCommands {
    private static final ExtendedOptions ONLY_IF_ABSENT = new ExtendedOptions(ExtendedOptions.NX, null);

    private SetCommands() {
    }

    static void set(Client c, byte[][] args) {
        if (args.length == 3) {
            Db db = c.db();
            db.put(args[1], args[2]);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.STRING, "set", args[1]);
            c.reply().ok();
            return;
        }
        ExtendedOptions options = ExtendedOptions.parse(args, 3, true);
        if (options == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        set(c, "set", options, args[1], args[2], false);
    }

    static void setnx(Client c, byte[][] args) {
        set(c, "setnx", ONLY_IF_ABSENT, args[1], args[2], true);
    }

    static void setex(Client c, byte[][] args) {
        set(c, "setex", ExtendedOptions.expireOnly(ExtendedOptions.EX, args[2]), args[1], args[3], false);
    }

    static void psetex(Client c, byte[][] args) {
        set(c, "psetex", ExtendedOptions.expireOnly(ExtendedOptions.PX, args[2]), args[1], args[3], false);
    }

    /**
     * Redis's setGenericCommand. {@code counting} replies 1/0 (SETNX) instead of OK/null; with GET the reply
     * is the old value whether or not the value was set.
     */
    private static void set(Client c, String command, ExtendedOptions options, byte[] key, byte[] value,
                            boolean counting) {
        Db db = c.db();
        long expireAt = 0;
        if (options.hasExpire()) {
            try {
                expireAt = options.deadline(db.keyspace().clock().millis());
            } catch (Numbers.NotANumber e) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
            if (expireAt < 0) {
                c.error(invalidExpireTime(command));
                return;
            }
        }
        boolean get = options.has(ExtendedOptions.GET);
        if (get && !StringReads.replyCurrent(c, db, key)) {
            return;
        }
        if (options.has(ExtendedOptions.NX | ExtendedOptions.XX)) {
            boolean found = db.get(key) != null;
            if (options.has(ExtendedOptions.NX) == found) {
                if (!get) {
                    if (counting) {
                        c.reply().integer(0);
                    } else {
                        c.reply().nullBulk();
                    }
                }
                return;
            }
        }
        db.put(key, value, expireAt, options.has(ExtendedOptions.KEEPTTL));
        db.signalModified(key);
        c.notify(KeyspaceEvents.STRING, "set", key);
        if (options.hasExpire()) {
            c.notify(KeyspaceEvents.GENERIC, "expire", key);
        }
        if (!get) {
            if (counting) {
                c.reply().integer(1);
            } else {
                c.reply().ok();
            }
        }
    }

    static String invalidExpireTime(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    static void getset(Client c, byte[][] args) {
        Db db = c.db();
        if (StringReads.replyCurrent(c, db, args[1])) {
            db.put(args[1], args[2]);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.STRING, "set", args[1]);
        }
    }

    static void mset(Client c, byte[][] args) {
        if (args.length % 2 == 0) {
            c.error("ERR wrong number of arguments for 'mset' command");
            return;
        }
        Db db = c.db();
        for (int j = 1; j < args.length; j += 2) {
            db.put(args[j], args[j + 1]);
            db.signalModified(args[j]);
            c.notify(KeyspaceEvents.STRING, "set", args[j]);
        }
        c.reply().ok();
    }

    /** All or nothing: nothing is set when any key exists. */
    static void msetnx(Client c, byte[][] args) {
        if (args.length % 2 == 0) {
            c.error("ERR wrong number of arguments for 'msetnx' command");
            return;
        }
        Db db = c.db();
        for (int j = 1; j < args.length; j += 2) {
            if (db.get(args[j]) != null) {
                c.reply().integer(0);
                return;
            }
        }
        for (int j = 1; j < args.length; j += 2) {
            db.put(args[j], args[j + 1]);
            db.signalModified(args[j]);
            c.notify(KeyspaceEvents.STRING, "set", args[j]);
        }
        c.reply().integer(1);
    }
}
