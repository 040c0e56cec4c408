package io.larder.node.commands.stream;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/** XGROUP's subcommands and XACK. */
final class StreamGroups {
    static final String[] HELP = {
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Prints this help.",
    };

    private StreamGroups() {
    }

    static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }

    private static String subcommandSyntax(byte[][] args) {
        return "ERR unknown subcommand or wrong number of arguments for '" + Streams.text(args[1])
                + "'. Try XGROUP HELP.";
    }

    /** The ENTRIESREAD value in CREATE/SETID options, or null after an error reply. */
    private static Long entriesRead(Client c, byte[] arg) {
        Long v = Args.parseLong(c, arg);
        if (v != null && v < 0 && v != ConsumerGroup.INVALID_ENTRIES_READ) {
            c.error("ERR value for ENTRIESREAD must be positive or -1");
            return null;
        }
        return v;
    }

    /**
     * The stream for a subcommand that needs it (and the group, for all but CREATE); null after an error reply.
     */
    private static StreamValue stream(Client c, byte[][] args, boolean groupRequired) {
        StreamValue s = Lookups.writeOrMissing(c, args[2], StreamValue.class, null);
        if (s == null) {
            if (c.db().get(args[2]) == null) {
                c.error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
                        + "use the MKSTREAM option to create an empty stream automatically.");
            }
            return null;
        }
        if (groupRequired && s.group(args[3]) == null) {
            c.error("NOGROUP No such consumer group '" + Streams.text(args[3]) + "' for key name '"
                    + Streams.text(args[2]) + "'");
            return null;
        }
        return s;
    }

    static void create(Client c, byte[][] args) {
        boolean mkstream = false;
        long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
        for (int i = 5; i < args.length; ) {
            if (Streams.is(args[i], "mkstream")) {
                mkstream = true;
                i++;
            } else if (Streams.is(args[i], "entriesread") && i + 1 < args.length) {
                Long v = entriesRead(c, args[i + 1]);
                if (v == null) {
                    return;
                }
                entriesRead = v;
                i += 2;
            } else {
                c.error(subcommandSyntax(args));
                return;
            }
        }
        StreamValue s;
        if (mkstream) {
            s = Lookups.writeOrMissing(c, args[2], StreamValue.class, null);
            if (s == null && c.db().get(args[2]) != null) {
                return;
            }
        } else {
            s = stream(c, args, false);
            if (s == null) {
                return;
            }
        }
        if (args.length > 8) {
            c.error(subcommandSyntax(args));
            return;
        }
        StreamId id;
        if (args[4].length == 1 && args[4][0] == '$') {
            id = s == null ? StreamId.MIN : s.lastId();
        } else {
            id = StreamIds.parseOrReply(c, args[4], 0, true);
            if (id == null) {
                return;
            }
        }
        if (s == null) {
            s = new StreamValue();
            c.db().put(args[2], s);
            c.db().signalModified(args[2]);
        }
        if (s.createGroup(args[3], id, entriesRead) == null) {
            c.error("BUSYGROUP Consumer Group name already exists");
            return;
        }
        c.reply().ok();
        c.notify(KeyspaceEvents.STREAM, "xgroup-create", args[2]);
    }

    static void setid(Client c, byte[][] args) {
        long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
        for (int i = 5; i < args.length; ) {
            if (Streams.is(args[i], "entriesread") && i + 1 < args.length) {
                Long v = entriesRead(c, args[i + 1]);
                if (v == null) {
                    return;
                }
                entriesRead = v;
                i += 2;
            } else {
                c.error(subcommandSyntax(args));
                return;
            }
        }
        StreamValue s = stream(c, args, true);
        if (s == null) {
            return;
        }
        if (args.length != 5 && args.length != 7) {
            c.error(subcommandSyntax(args));
            return;
        }
        StreamId id;
        if (args[4].length == 1 && args[4][0] == '$') {
            id = s.lastId();
        } else {
            id = StreamIds.parseOrReply(c, args[4], 0, false);
            if (id == null) {
                return;
            }
        }
        ConsumerGroup g = s.group(args[3]);
        g.lastId = id;
        g.entriesRead = entriesRead;
        c.reply().ok();
        c.notify(KeyspaceEvents.STREAM, "xgroup-setid", args[2]);
    }

    static void destroy(Client c, byte[][] args) {
        StreamValue s = stream(c, args, false);
        if (s == null) {
            return;
        }
        if (!s.destroyGroup(args[3])) {
            c.reply().integer(0);
            return;
        }
        c.reply().integer(1);
        c.notify(KeyspaceEvents.STREAM, "xgroup-destroy", args[2]);
        c.node().blocked().signal(c.dbIndex(), args[2]); // blocked XREADGROUP readers learn their group is gone
    }

    static void createConsumer(Client c, byte[][] args) {
        StreamValue s = stream(c, args, true);
        if (s == null) {
            return;
        }
        Consumer created = Streams.createConsumer(c, s.group(args[3]), args[2], args[4], Streams.now(c));
        c.reply().integer(created != null ? 1 : 0);
    }

    static void delConsumer(Client c, byte[][] args) {
        StreamValue s = stream(c, args, true);
        if (s == null) {
            return;
        }
        ConsumerGroup g = s.group(args[3]);
        Consumer consumer = g.consumer(args[4]);
        long pending = 0;
        if (consumer != null) {
            pending = g.deleteConsumer(consumer);
            c.notify(KeyspaceEvents.STREAM, "xgroup-delconsumer", args[2]);
        }
        c.reply().integer(pending);
    }

    static void xack(Client c, byte[][] args) {
        Object value = Lookups.read(c, c.db(), args[1]);
        ConsumerGroup g = null;
        if (value != null) {
            if (!(value instanceof StreamValue s)) {
                c.error(Errors.WRONGTYPE);
                return;
            }
            g = s.group(args[2]);
        }
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[args.length - 3];
        for (int i = 3; i < args.length; i++) {
            ids[i - 3] = StreamIds.parseOrReply(c, args[i], 0, true);
            if (ids[i - 3] == null) {
                return;
            }
        }
        long acknowledged = 0;
        for (StreamId id : ids) {
            if (g.acknowledge(id)) {
                acknowledged++;
            }
        }
        if (acknowledged > 0) {
            c.node().propagation().changed(); // Redis counts it as a write without a keyspace event
        }
        c.reply().integer(acknowledged);
    }
}
