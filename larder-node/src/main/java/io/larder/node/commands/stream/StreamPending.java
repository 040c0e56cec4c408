package io.larder.node.commands.stream;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.PendingEntry;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** XPENDING, XCLAIM and XAUTOCLAIM: the pending entries lists of consumer groups. */
final class StreamPending {
    private StreamPending() {
    }

    /** The stream at args[1] and its group args[2]; null after a WRONGTYPE or NOGROUP reply. */
    private static ConsumerGroup group(Client c, byte[][] args, StreamValue[] stream) {
        Object value = Lookups.read(c, c.db(), args[1]);
        if (value != null && !(value instanceof StreamValue)) {
            c.error(Errors.WRONGTYPE);
            return null;
        }
        ConsumerGroup g = value == null ? null : ((StreamValue) value).group(args[2]);
        if (g == null) {
            c.error(Streams.noGroup(args[1], args[2]));
            return null;
        }
        stream[0] = (StreamValue) value;
        return g;
    }

    static void xpending(Client c, byte[][] args) {
        boolean summary = args.length == 3;
        if (!summary && (args.length < 6 || args.length > 9)) {
            c.error(Errors.SYNTAX);
            return;
        }
        long minIdle = 0;
        long count = 0;
        StreamId[] bounds = null;
        byte[] consumerName = null;
        if (!summary) {
            int from = 3;
            if (Streams.is(args[3], "idle")) {
                Long v = Args.parseLong(c, args[4]);
                if (v == null) {
                    return;
                }
                minIdle = v;
                if (args.length < 8) {
                    c.error(Errors.SYNTAX);
                    return;
                }
                from += 2;
            }
            Long v = Args.parseLong(c, args[from + 2]);
            if (v == null) {
                return;
            }
            count = Math.max(0, v);
            bounds = StreamIds.rangeOrReply(c, args[from], args[from + 1]);
            if (bounds == null) {
                return;
            }
            if (from + 3 < args.length) {
                consumerName = args[from + 3];
            }
        }
        StreamValue[] s = new StreamValue[1];
        ConsumerGroup g = group(c, args, s);
        if (g == null) {
            return;
        }
        ReplyWriter out = c.reply();
        if (summary) {
            out.array(4);
            out.integer(g.pending().size());
            if (g.pending().isEmpty()) {
                out.nullBulk();
                out.nullBulk();
                out.nullArray();
                return;
            }
            Streams.id(out, g.pending().firstKey());
            Streams.id(out, g.pending().lastKey());
            List<Consumer> owners = new ArrayList<>();
            for (Consumer consumer : g.consumers().values()) {
                if (!consumer.pending().isEmpty()) {
                    owners.add(consumer);
                }
            }
            out.array(owners.size());
            for (Consumer consumer : owners) {
                out.array(2);
                out.bulk(consumer.name());
                out.bulk(Long.toString(consumer.pending().size()));
            }
            return;
        }
        Map<StreamId, PendingEntry> pel = g.pending();
        if (consumerName != null) {
            Consumer consumer = g.consumer(consumerName);
            if (consumer == null) {
                out.array(0);
                return;
            }
            pel = consumer.pending();
        }
        long now = Streams.now(c);
        List<Map.Entry<StreamId, PendingEntry>> found = new ArrayList<>();
        if (bounds[0].compareTo(bounds[1]) <= 0) {
            for (Map.Entry<StreamId, PendingEntry> e
                    : ((TreeMap<StreamId, PendingEntry>) pel).subMap(bounds[0], true, bounds[1], true)
                    .entrySet()) {
                if (found.size() >= count) {
                    break;
                }
                if (minIdle != 0 && now - e.getValue().deliveryTime < minIdle) {
                    continue;
                }
                found.add(e);
            }
        }
        out.array(found.size());
        for (Map.Entry<StreamId, PendingEntry> e : found) {
            out.array(4);
            Streams.id(out, e.getKey());
            out.bulk(e.getValue().consumer.name());
            out.integer(Math.max(0, now - e.getValue().deliveryTime));
            out.integer(e.getValue().deliveryCount);
        }
    }

    static void xclaim(Client c, byte[][] args) {
        StreamValue[] s = new StreamValue[1];
        ConsumerGroup g = group(c, args, s);
        if (g == null) {
            return;
        }
        Long minIdle = Streams.parseLong(c, args[4], "Invalid min-idle-time argument for XCLAIM");
        if (minIdle == null) {
            return;
        }
        int j = 5;
        List<StreamId> ids = new ArrayList<>();
        for (; j < args.length; j++) {
            StreamId id = StreamIds.parse(args[j], 0, true, null);
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        long now = Streams.now(c);
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < args.length; j++) {
            int more = args.length - 1 - j;
            if (Streams.is(args[j], "force")) {
                force = true;
            } else if (Streams.is(args[j], "justid")) {
                justId = true;
            } else if (Streams.is(args[j], "idle") && more > 0) {
                Long v = Streams.parseLong(c, args[++j], "Invalid IDLE option argument for XCLAIM");
                if (v == null) {
                    return;
                }
                deliveryTime = now - v;
            } else if (Streams.is(args[j], "time") && more > 0) {
                Long v = Streams.parseLong(c, args[++j], "Invalid TIME option argument for XCLAIM");
                if (v == null) {
                    return;
                }
                deliveryTime = v;
            } else if (Streams.is(args[j], "retrycount") && more > 0) {
                Long v = Streams.parseLong(c, args[++j], "Invalid RETRYCOUNT option argument for XCLAIM");
                if (v == null) {
                    return;
                }
                retryCount = v;
            } else if (Streams.is(args[j], "lastid") && more > 0) {
                StreamId id = StreamIds.parseOrReply(c, args[++j], 0, true);
                if (id == null) {
                    return;
                }
                lastId = id;
            } else {
                c.error("ERR Unrecognized XCLAIM option '" + Streams.text(args[j]) + "'");
                return;
            }
        }
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
        }
        if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) {
            deliveryTime = now;
        }
        // Redis 7.2 creates the consumer and marks it seen even when nothing is claimed.
        boolean newConsumer = g.consumer(args[3]) == null;
        Consumer consumer = Streams.consumer(c, g, args[1], args[3], now);
        consumer.seenTime = now;
        List<Object[]> claimed = new ArrayList<>();
        List<StreamId> dropped = new ArrayList<>();
        for (StreamId id : ids) {
            PendingEntry p = g.pending().get(id);
            if (s[0].get(id) == null) {
                if (p != null) {
                    g.acknowledge(id);
                    dropped.add(id);
                }
                continue;
            }
            if (force && p == null) {
                p = new PendingEntry(null, now, 1);
                g.pending().put(id, p);
            }
            if (p == null) {
                continue;
            }
            if (p.consumer != null && minIdle != 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            if (p.consumer != consumer && p.consumer != null) {
                p.consumer.pending().remove(id);
            }
            p.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                p.deliveryCount = retryCount;
            } else if (!justId) {
                p.deliveryCount++;
            }
            if (p.consumer != consumer) {
                consumer.pending().put(id, p);
                p.consumer = consumer;
            }
            consumer.activeTime = now;
            claimed.add(new Object[] {id, justId ? null : s[0].get(id)});
        }
        propagateClaims(c, args[1], g, consumer, claimed, dropped, newConsumer);
        ReplyWriter out = c.reply();
        out.array(claimed.size());
        for (Object[] e : claimed) {
            if (justId) {
                Streams.id(out, (StreamId) e[0]);
            } else {
                Streams.entry(out, (StreamId) e[0], (byte[][]) e[1]);
            }
        }
    }

    /**
     * Claims depend on idle times, so they are logged as what they did, as Redis does: a forced XCLAIM per
     * claimed entry with its delivery time and count, an XACK of the entries dropped because they were deleted,
     * or the consumer's creation when nothing else happened.
     */
    private static void propagateClaims(Client c, byte[] key, ConsumerGroup g, Consumer consumer,
                                        List<Object[]> claimed, List<StreamId> dropped, boolean newConsumer) {
        if (!c.node().propagation().active()) {
            return;
        }
        for (Object[] e : claimed) {
            StreamId id = (StreamId) e[0];
            PendingEntry p = g.pending().get(id);
            c.propagate(ascii("XCLAIM"), key, g.name(), consumer.name(), ascii("0"), ascii(id.toString()),
                    ascii("TIME"), ascii(Long.toString(p.deliveryTime)), ascii("RETRYCOUNT"),
                    ascii(Long.toString(p.deliveryCount)), ascii("FORCE"), ascii("JUSTID"), ascii("LASTID"),
                    ascii(g.lastId.toString()));
        }
        if (!dropped.isEmpty()) {
            byte[][] xack = new byte[3 + dropped.size()][];
            xack[0] = ascii("XACK");
            xack[1] = key;
            xack[2] = g.name();
            for (int i = 0; i < dropped.size(); i++) {
                xack[3 + i] = ascii(dropped.get(i).toString());
            }
            c.propagate(xack);
        }
        if (claimed.isEmpty() && dropped.isEmpty() && newConsumer) {
            c.propagate(ascii("XGROUP"), ascii("CREATECONSUMER"), key, g.name(), consumer.name());
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static void xautoclaim(Client c, byte[][] args) {
        Long minIdle = Streams.parseLong(c, args[4], "Invalid min-idle-time argument for XAUTOCLAIM");
        if (minIdle == null) {
            return;
        }
        boolean[] ex = new boolean[1];
        StreamId start = StreamIds.intervalOrReply(c, args[5], 0, ex);
        if (start == null) {
            return;
        }
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                c.error("ERR invalid start ID for the interval");
                return;
            }
        }
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < args.length; j++) {
            int more = args.length - 1 - j;
            if (Streams.is(args[j], "count") && more > 0) {
                long max = Long.MAX_VALUE / 16;
                Long v;
                try {
                    v = Numbers.parseLong(args[j + 1]);
                } catch (Numbers.NotANumber e) {
                    v = null;
                }
                if (v == null || v < 1 || v > max) {
                    c.error("ERR COUNT must be > 0");
                    return;
                }
                count = v;
                j++;
            } else if (Streams.is(args[j], "justid")) {
                justId = true;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        StreamValue[] s = new StreamValue[1];
        ConsumerGroup g = group(c, args, s);
        if (g == null) {
            return;
        }
        long now = Streams.now(c);
        boolean newConsumer = g.consumer(args[3]) == null;
        Consumer consumer = Streams.consumer(c, g, args[1], args[3], now);
        consumer.seenTime = now;
        long attempts = count * 10;
        List<Object[]> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        Iterator<Map.Entry<StreamId, PendingEntry>> it = g.pending().tailMap(start, true).entrySet().iterator();
        while (attempts-- > 0 && count > 0 && it.hasNext()) {
            Map.Entry<StreamId, PendingEntry> e = it.next();
            StreamId id = e.getKey();
            PendingEntry p = e.getValue();
            byte[][] fv = s[0].get(id);
            if (fv == null) {
                it.remove();
                if (p.consumer != null) {
                    p.consumer.pending().remove(id);
                }
                deleted.add(id);
                count--;
                continue;
            }
            if (minIdle > 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            if (p.consumer != consumer && p.consumer != null) {
                p.consumer.pending().remove(id);
            }
            p.deliveryTime = now;
            if (!justId) {
                p.deliveryCount++;
            }
            if (p.consumer != consumer) {
                consumer.pending().put(id, p);
                p.consumer = consumer;
            }
            consumer.activeTime = now;
            claimed.add(new Object[] {id, fv});
            count--;
        }
        StreamId cursor = it.hasNext() ? it.next().getKey() : StreamId.MIN;
        propagateClaims(c, args[1], g, consumer, claimed, deleted, newConsumer);
        ReplyWriter out = c.reply();
        out.array(3);
        Streams.id(out, cursor);
        out.array(claimed.size());
        for (Object[] e : claimed) {
            if (justId) {
                Streams.id(out, (StreamId) e[0]);
            } else {
                Streams.entry(out, (StreamId) e[0], (byte[][]) e[1]);
            }
        }
        out.array(deleted.size());
        for (StreamId id : deleted) {
            Streams.id(out, id);
        }
    }
}
