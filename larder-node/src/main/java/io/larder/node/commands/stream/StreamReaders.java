package io.larder.node.commands.stream;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.PendingEntry;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.util.Numbers;
import io.larder.node.command.KeyFinder;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP, blocking or not. A blocked reader is retried, as Redis 7.2 re-runs the command, each
 * time a key it waits on is signalled: by XADD, or for XREADGROUP also by the key's deletion, a change of its
 * type or the destruction of groups, which it reports as errors.
 */
final class StreamReaders {
    /** Past this a timeout is forever in practice; Netty's timer would overflow. */
    private static final long MAX_TIMER_MILLIS = 1L << 40;
    private static final int[] NO_KEYS = new int[0];

    private StreamReaders() {
    }

    /** Redis's xreadGetKeys: the keys after the first STREAMS that is not an option's argument. */
    static final KeyFinder KEYS = args -> {
        int streams = -1;
        for (int i = 1; i < args.length; i++) {
            if (Streams.is(args[i], "block") || Streams.is(args[i], "count")) {
                i++;
            } else if (Streams.is(args[i], "group")) {
                i += 2;
            } else if (Streams.is(args[i], "noack")) {
                continue;
            } else if (Streams.is(args[i], "streams")) {
                streams = i;
                break;
            } else {
                break;
            }
        }
        int num = args.length - streams - 1;
        if (streams == -1 || num == 0 || num % 2 != 0) {
            return NO_KEYS;
        }
        int[] positions = new int[num / 2];
        for (int k = 0; k < positions.length; k++) {
            positions[k] = streams + 1 + k;
        }
        return positions;
    };

    /** The parsed command: timeout -1 without BLOCK; keys and their IDs ({@code >} as {@link StreamId#MAX}). */
    private record Read(long timeout, long count, boolean noAck, byte[] group, byte[] consumer, byte[][] keys,
                        StreamId[] ids) {
    }

    static void xread(Client c, byte[][] args) {
        run(c, args, false);
    }

    static void xreadgroup(Client c, byte[][] args) {
        run(c, args, true);
    }

    private static void run(Client c, byte[][] args, boolean grouped) {
        Read r = parse(c, args, grouped);
        if (r == null) {
            return;
        }
        if (serve(c, c.reply(), r, false)) {
            return;
        }
        if (r.timeout() == -1 || c.transaction().executing()) {
            c.reply().nullArray();
            return;
        }
        long timeout = r.timeout() > MAX_TIMER_MILLIS ? 0 : r.timeout();
        c.node().blocked().block(c, r.keys(), new byte[0][], StreamValue.class, timeout,
                (client, out) -> serve(client, out, r, true), ReplyWriter::nullArray, true, grouped);
    }

    private static Read parse(Client c, byte[][] args, boolean grouped) {
        long timeout = -1;
        long count = 0;
        boolean noAck = false;
        byte[] group = null;
        byte[] consumer = null;
        int streamsFrom = 0;
        int streamCount = 0;
        for (int i = 1; i < args.length; i++) {
            int more = args.length - i - 1;
            if (Streams.is(args[i], "block") && more > 0) {
                i++;
                try {
                    timeout = Numbers.parseLong(args[i]);
                } catch (Numbers.NotANumber e) {
                    c.error("ERR timeout is not an integer or out of range");
                    return null;
                }
                if (timeout < 0) {
                    c.error("ERR timeout is negative");
                    return null;
                }
                if (timeout > 0 && timeout > Long.MAX_VALUE - Streams.now(c)) {
                    c.error("ERR timeout is out of range");
                    return null;
                }
            } else if (Streams.is(args[i], "count") && more > 0) {
                Long v = Args.parseLong(c, args[++i]);
                if (v == null) {
                    return null;
                }
                count = Math.max(0, v);
            } else if (Streams.is(args[i], "streams") && more > 0) {
                streamsFrom = i + 1;
                streamCount = args.length - streamsFrom;
                if (streamCount % 2 != 0) {
                    c.error("ERR Unbalanced '" + (grouped ? "xreadgroup" : "xread") + "' list of streams: for each "
                            + "stream key an ID or '" + (grouped ? '>' : '$') + "' must be specified.");
                    return null;
                }
                streamCount /= 2;
                break;
            } else if (Streams.is(args[i], "group") && more >= 2) {
                if (!grouped) {
                    c.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return null;
                }
                group = args[i + 1];
                consumer = args[i + 2];
                i += 2;
            } else if (Streams.is(args[i], "noack")) {
                if (!grouped) {
                    c.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return null;
                }
                noAck = true;
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
        }
        if (streamsFrom == 0) {
            c.error(Errors.SYNTAX);
            return null;
        }
        if (grouped && group == null) {
            c.error("ERR Missing GROUP option for XREADGROUP");
            return null;
        }
        byte[][] keys = Arrays.copyOfRange(args, streamsFrom, streamsFrom + streamCount);
        StreamId[] ids = new StreamId[streamCount];
        for (int k = 0; k < streamCount; k++) {
            byte[] key = keys[k];
            byte[] arg = args[streamsFrom + streamCount + k];
            Object value = Lookups.read(c, c.db(), key);
            if (value != null && !(value instanceof StreamValue)) {
                c.error(Errors.WRONGTYPE);
                return null;
            }
            StreamValue s = (StreamValue) value;
            if (group != null && (s == null || s.group(group) == null)) {
                c.error(noGroup(key, group));
                return null;
            }
            if (arg.length == 1 && arg[0] == '$') {
                if (grouped) {
                    c.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
                            + "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
                            + "ID would just return an empty result set.");
                    return null;
                }
                ids[k] = s == null ? StreamId.MIN : s.lastId();
            } else if (arg.length == 1 && arg[0] == '>') {
                if (!grouped) {
                    c.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                            + "<consumer> option.");
                    return null;
                }
                ids[k] = StreamId.MAX;
            } else {
                ids[k] = StreamIds.parseOrReply(c, arg, 0, true);
                if (ids[k] == null) {
                    return null;
                }
            }
        }
        return new Read(timeout, count, noAck, group, consumer, keys, ids);
    }

    private static String noGroup(byte[] key, byte[] group) {
        return "NOGROUP No such key '" + Streams.text(key) + "' or consumer group '" + Streams.text(group)
                + "' in XREADGROUP with GROUP option";
    }

    /**
     * Reads what each stream has for the reader and replies; false, with nothing written, when there is nothing
     * (the caller blocks or replies null). A {@code retry} of a blocked XREADGROUP reports a stream or group that
     * went away.
     */
    private static boolean serve(Client c, ReplyWriter out, Read r, boolean retry) {
        if (retry && r.group() != null) {
            for (byte[] key : r.keys()) {
                Object value = c.db().get(key);
                if (!(value instanceof StreamValue s)) {
                    fail(c, out, "UNBLOCKED the stream key no longer exists");
                    return true;
                }
                if (s.group(r.group()) == null) {
                    fail(c, out, noGroup(key, r.group()));
                    return true;
                }
            }
        }
        long now = Streams.now(c);
        List<byte[]> servedKeys = new ArrayList<>();
        List<List<Object[]>> servedEntries = new ArrayList<>();
        for (int k = 0; k < r.keys().length; k++) {
            Object value = Lookups.read(c, c.db(), r.keys()[k]);
            if (!(value instanceof StreamValue s)) {
                continue;
            }
            StreamId after = r.ids()[k];
            List<Object[]> entries = null;
            if (r.group() != null) {
                ConsumerGroup g = s.group(r.group());
                Consumer consumer = Streams.consumer(c, g, r.keys()[k], r.consumer(), now);
                consumer.seenTime = now;
                if (!after.equals(StreamId.MAX)) {
                    entries = history(s, consumer, after, r.count(), now);
                } else if (s.length() > 0 && s.lastValidId().compareTo(g.lastId) > 0) {
                    entries = deliverNew(s, g, consumer, r.count(), r.noAck(), now);
                }
                if (entries != null && !entries.isEmpty()) {
                    c.node().propagation().changed(); // the group moved or deliveries were counted: a write
                }
            } else if (s.length() > 0 && s.lastValidId().compareTo(after) > 0) {
                entries = Streams.collect(s, after.next(), StreamId.MAX, r.count(), false);
            }
            if (entries != null) {
                servedKeys.add(r.keys()[k]);
                servedEntries.add(entries);
            }
        }
        if (servedKeys.isEmpty()) {
            return false;
        }
        boolean resp3 = out.protocol() == 3;
        if (resp3) {
            out.map(servedKeys.size());
        } else {
            out.array(servedKeys.size());
        }
        for (int i = 0; i < servedKeys.size(); i++) {
            if (!resp3) {
                out.array(2);
            }
            out.bulk(servedKeys.get(i));
            List<Object[]> entries = servedEntries.get(i);
            out.array(entries.size());
            for (Object[] e : entries) {
                if (e[1] == null) {
                    out.array(2);
                    Streams.id(out, (StreamId) e[0]);
                    out.nullArray();
                } else {
                    Streams.entry(out, (StreamId) e[0], (byte[][]) e[1]);
                }
            }
        }
        return true;
    }

    /** New entries for a group consumer: the group moves past them and, unless NOACK, they become pending. */
    private static List<Object[]> deliverNew(StreamValue s, ConsumerGroup g, Consumer consumer, long count,
                                             boolean noAck, long now) {
        List<Object[]> entries = Streams.collect(s, g.lastId.next(), StreamId.MAX, count, false);
        for (Object[] e : entries) {
            StreamId id = (StreamId) e[0];
            s.delivered(g, id);
            if (!noAck) {
                PendingEntry p = g.pending().get(id);
                if (p == null) {
                    p = new PendingEntry(consumer, now, 1);
                    g.pending().put(id, p);
                } else {
                    // XGROUP SETID can make an entry be delivered again: it changes hands
                    if (p.consumer != null) {
                        p.consumer.pending().remove(id);
                    }
                    p.consumer = consumer;
                    p.deliveryTime = now;
                    p.deliveryCount = 1;
                }
                consumer.pending().put(id, p);
                consumer.activeTime = now;
            }
        }
        return entries;
    }

    /** A consumer's own pending entries after {@code after}; entries since deleted come with null fields. */
    private static List<Object[]> history(StreamValue s, Consumer consumer, StreamId after, long count, long now) {
        List<Object[]> entries = new ArrayList<>();
        StreamId start = after.next();
        if (start == null) {
            return entries;
        }
        for (Map.Entry<StreamId, PendingEntry> e : consumer.pending().tailMap(start, true).entrySet()) {
            if (count != 0 && entries.size() >= count) {
                break;
            }
            byte[][] fv = s.get(e.getKey());
            if (fv != null) {
                e.getValue().deliveryTime = now;
                e.getValue().deliveryCount++;
            }
            entries.add(new Object[] {e.getKey(), fv});
        }
        return entries;
    }

    private static void fail(Client c, ReplyWriter out, String message) {
        if (out == c.reply()) {
            c.error(message);
        } else {
            out.error(message);
            c.node().stats().recordError(message);
        }
    }
}
