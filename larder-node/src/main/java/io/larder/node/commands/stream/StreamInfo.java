package io.larder.node.commands.stream;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.PendingEntry;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.List;
import java.util.Map;

/** XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP, with Redis 7.2's fields. */
final class StreamInfo {
    private static final String[] HELP = {
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
    };

    private StreamInfo() {
    }

    static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }

    private static StreamValue stream(Client c, byte[] key) {
        return Lookups.read(c, key, StreamValue.class, cl -> cl.error(Errors.NO_SUCH_KEY));
    }

    static void consumers(Client c, byte[][] args) {
        StreamValue s = stream(c, args[2]);
        if (s == null) {
            return;
        }
        ConsumerGroup g = s.group(args[3]);
        if (g == null) {
            c.error("NOGROUP No such consumer group '" + Streams.text(args[3]) + "' for key name '"
                    + Streams.text(args[2]) + "'");
            return;
        }
        long now = Streams.now(c);
        ReplyWriter out = c.reply();
        out.array(g.consumers().size());
        for (Consumer consumer : g.consumers().values()) {
            out.map(4);
            out.bulk("name");
            out.bulk(consumer.name());
            out.bulk("pending");
            out.integer(consumer.pending().size());
            out.bulk("idle");
            out.integer(Math.max(0, now - consumer.seenTime));
            out.bulk("inactive");
            out.integer(consumer.activeTime == -1 ? -1 : Math.max(0, now - consumer.activeTime));
        }
    }

    static void groups(Client c, byte[][] args) {
        StreamValue s = stream(c, args[2]);
        if (s == null) {
            return;
        }
        ReplyWriter out = c.reply();
        out.array(s.groups().size());
        for (ConsumerGroup g : s.groups().values()) {
            out.map(6);
            out.bulk("name");
            out.bulk(g.name());
            out.bulk("consumers");
            out.integer(g.consumers().size());
            out.bulk("pending");
            out.integer(g.pending().size());
            out.bulk("last-delivered-id");
            Streams.id(out, g.lastId);
            entriesReadAndLag(out, s, g);
        }
    }

    private static void entriesReadAndLag(ReplyWriter out, StreamValue s, ConsumerGroup g) {
        out.bulk("entries-read");
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ) {
            out.integer(g.entriesRead);
        } else {
            out.nullBulk();
        }
        out.bulk("lag");
        Long lag = s.lag(g);
        if (lag != null) {
            out.integer(lag);
        } else {
            out.nullBulk();
        }
    }

    static void stream(Client c, byte[][] args) {
        StreamValue s = stream(c, args[2]);
        if (s == null) {
            return;
        }
        boolean full = false;
        long count = 10;
        if (args.length > 3) {
            if (!Streams.is(args[3], "full")) {
                c.error(syntax(args));
                return;
            }
            full = true;
            if (args.length > 4) {
                if (args.length != 6 || !Streams.is(args[4], "count")) {
                    c.error(syntax(args));
                    return;
                }
                Long v = Args.parseLong(c, args[5]);
                if (v == null) {
                    return;
                }
                count = v < 0 ? 10 : v;
            }
        }
        ReplyWriter out = c.reply();
        out.map(full ? 9 : 10);
        out.bulk("length");
        out.integer(s.length());
        out.bulk("radix-tree-keys");
        out.integer(s.nodeCount());
        out.bulk("radix-tree-nodes");
        out.integer(s.radixTreeNodes());
        out.bulk("last-generated-id");
        Streams.id(out, s.lastId());
        out.bulk("max-deleted-entry-id");
        Streams.id(out, s.maxDeletedId());
        out.bulk("entries-added");
        out.integer(s.entriesAdded());
        out.bulk("recorded-first-entry-id");
        Streams.id(out, s.firstId());
        if (!full) {
            out.bulk("groups");
            out.integer(s.groups().size());
            out.bulk("first-entry");
            edge(out, s, false);
            out.bulk("last-entry");
            edge(out, s, true);
            return;
        }
        out.bulk("entries");
        Streams.range(out, s, StreamId.MIN, StreamId.MAX, count, false);
        out.bulk("groups");
        out.array(s.groups().size());
        for (ConsumerGroup g : s.groups().values()) {
            out.map(7);
            out.bulk("name");
            out.bulk(g.name());
            out.bulk("last-delivered-id");
            Streams.id(out, g.lastId);
            entriesReadAndLag(out, s, g);
            out.bulk("pel-count");
            out.integer(g.pending().size());
            out.bulk("pending");
            List<Map.Entry<StreamId, PendingEntry>> pending = first(g.pending(), count);
            out.array(pending.size());
            for (Map.Entry<StreamId, PendingEntry> e : pending) {
                out.array(4);
                Streams.id(out, e.getKey());
                out.bulk(e.getValue().consumer.name());
                out.integer(e.getValue().deliveryTime);
                out.integer(e.getValue().deliveryCount);
            }
            out.bulk("consumers");
            out.array(g.consumers().size());
            for (Consumer consumer : g.consumers().values()) {
                out.map(5);
                out.bulk("name");
                out.bulk(consumer.name());
                out.bulk("seen-time");
                out.integer(consumer.seenTime);
                out.bulk("active-time");
                out.integer(consumer.activeTime);
                out.bulk("pel-count");
                out.integer(consumer.pending().size());
                out.bulk("pending");
                List<Map.Entry<StreamId, PendingEntry>> own = first(consumer.pending(), count);
                out.array(own.size());
                for (Map.Entry<StreamId, PendingEntry> e : own) {
                    out.array(3);
                    Streams.id(out, e.getKey());
                    out.integer(e.getValue().deliveryTime);
                    out.integer(e.getValue().deliveryCount);
                }
            }
        }
    }

    private static String syntax(byte[][] args) {
        return "ERR unknown subcommand or wrong number of arguments for '" + Streams.text(args[1])
                + "'. Try XINFO HELP.";
    }

    private static List<Map.Entry<StreamId, PendingEntry>> first(Map<StreamId, PendingEntry> pel, long count) {
        return pel.entrySet().stream().limit(count == 0 ? Long.MAX_VALUE : count).toList();
    }

    private static void edge(ReplyWriter out, StreamValue s, boolean last) {
        List<Object[]> e = Streams.collect(s, StreamId.MIN, StreamId.MAX, 1, last);
        if (e.isEmpty()) {
            out.nullBulk();
        } else {
            Streams.entry(out, (StreamId) e.get(0)[0], (byte[][]) e.get(0)[1]);
        }
    }
}
