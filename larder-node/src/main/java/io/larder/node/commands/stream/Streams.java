package io.larder.node.commands.stream;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.util.Numbers;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Replies and lookups the stream commands share. */
final class Streams {
    private Streams() {
    }

    static boolean is(byte[] arg, String word) {
        return new String(arg, StandardCharsets.ISO_8859_1).equalsIgnoreCase(word);
    }

    static String text(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8);
    }

    static void id(ReplyWriter out, StreamId id) {
        out.bulk(id.toBytes());
    }

    /** One entry: [id, [field, value, ...]]. */
    static void entry(ReplyWriter out, StreamId id, byte[][] fieldValues) {
        out.array(2);
        id(out, id);
        out.array(fieldValues.length);
        for (byte[] b : fieldValues) {
            out.bulk(b);
        }
    }

    /** The entries in [start, end] (at most {@code count}, 0 for all) as an array; returns how many. */
    static int range(ReplyWriter out, StreamValue s, StreamId start, StreamId end, long count, boolean reverse) {
        List<Object[]> found = collect(s, start, end, count, reverse);
        out.array(found.size());
        for (Object[] e : found) {
            entry(out, (StreamId) e[0], (byte[][]) e[1]);
        }
        return found.size();
    }

    static List<Object[]> collect(StreamValue s, StreamId start, StreamId end, long count, boolean reverse) {
        List<Object[]> found = new ArrayList<>();
        s.range(start, end, reverse, (id, fv) -> {
            found.add(new Object[] {id, fv});
            return count == 0 || found.size() < count;
        });
        return found;
    }

    /** The one entry with this ID, or a null array when it is gone. */
    static boolean entryOrNull(ReplyWriter out, StreamValue s, StreamId id) {
        byte[][] fv = s.get(id);
        if (fv == null) {
            out.nullArray();
            return false;
        }
        entry(out, id, fv);
        return true;
    }

    static String noGroup(byte[] key, byte[] group) {
        return "NOGROUP No such key '" + text(key) + "' or consumer group '" + text(group) + "'";
    }

    /** Creates a consumer, reporting it as Redis's streamCreateConsumer does. */
    static Consumer createConsumer(Client c, ConsumerGroup g, byte[] key, byte[] name,
                                                          long now) {
        Consumer consumer = g.createConsumer(name, now);
        if (consumer != null) {
            c.notify(KeyspaceEvents.STREAM, "xgroup-createconsumer", key);
        }
        return consumer;
    }

    /** The consumer of that name, created when missing. */
    static Consumer consumer(Client c, ConsumerGroup g, byte[] key, byte[] name, long now) {
        Consumer consumer = g.consumer(name);
        return consumer != null ? consumer : createConsumer(c, g, key, name, now);
    }

    static long now(Client c) {
        return c.node().keyspace().clock().millis();
    }

    /** An integer argument, or null after replying with {@code error} (Redis's getLongLongFromObjectOrReply). */
    static Long parseLong(Client c, byte[] arg, String error) {
        try {
            return Numbers.parseLong(arg);
        } catch (Numbers.NotANumber e) {
            c.error("ERR " + error);
            return null;
        }
    }
}
