package io.larder.node.commands.stream;

import io.larder.engine.keyspace.Db;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.stream.StreamValue.TrimStrategy;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.util.Arrays;

/** XADD, XTRIM, XDEL and XSETID. */
final class StreamWrites {
    private StreamWrites() {
    }

    /** XADD's and XTRIM's options, parsed as Redis's streamParseAddOrTrimArgsOrReply. */
    record TrimOptions(TrimStrategy strategy, long maxLength, StreamId minId, boolean approximate, long limit,
                       boolean noMakeStream, boolean autoId, StreamId id, boolean seqGiven, int idIndex) {

        /** Options from position 2; for XADD up to and including the ID. Null after an error reply. */
        static TrimOptions parse(Client c, byte[][] args, boolean xadd) {
            TrimStrategy strategy = null;
            long maxLength = -1;
            StreamId minId = null;
            boolean approximate = false;
            long limit = 0;
            boolean limitGiven = false;
            boolean noMakeStream = false;
            StreamId id = null;
            boolean[] seqGiven = {false};
            int i = 2;
            for (; i < args.length; i++) {
                int more = args.length - 1 - i;
                byte[] opt = args[i];
                if (xadd && opt.length == 1 && opt[0] == '*') {
                    break;
                } else if (Streams.is(opt, "maxlen") && more > 0) {
                    if (strategy != null) {
                        c.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                        return null;
                    }
                    approximate = false;
                    byte[] next = args[i + 1];
                    if (more >= 2 && next.length == 1 && (next[0] == '~' || next[0] == '=')) {
                        approximate = next[0] == '~';
                        i++;
                    }
                    Long v = Args.parseLong(c, args[i + 1]);
                    if (v == null) {
                        return null;
                    }
                    if (v < 0) {
                        c.error("ERR The MAXLEN argument must be >= 0.");
                        return null;
                    }
                    maxLength = v;
                    i++;
                    strategy = TrimStrategy.MAXLEN;
                } else if (Streams.is(opt, "minid") && more > 0) {
                    if (strategy != null) {
                        c.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                        return null;
                    }
                    approximate = false;
                    byte[] next = args[i + 1];
                    if (more >= 2 && next.length == 1 && (next[0] == '~' || next[0] == '=')) {
                        approximate = next[0] == '~';
                        i++;
                    }
                    minId = StreamIds.parseOrReply(c, args[i + 1], 0, true);
                    if (minId == null) {
                        return null;
                    }
                    i++;
                    strategy = TrimStrategy.MINID;
                } else if (Streams.is(opt, "limit") && more > 0) {
                    Long v = Args.parseLong(c, args[i + 1]);
                    if (v == null) {
                        return null;
                    }
                    if (v < 0) {
                        c.error("ERR The LIMIT argument must be >= 0.");
                        return null;
                    }
                    limit = v;
                    limitGiven = true;
                    i++;
                } else if (xadd && Streams.is(opt, "nomkstream")) {
                    noMakeStream = true;
                } else if (xadd) {
                    id = StreamIds.parse(opt, 0, true, seqGiven);
                    if (id == null) {
                        c.error(StreamIds.INVALID);
                        return null;
                    }
                    break;
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            if (limit != 0 && strategy == null) {
                c.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
                return null;
            }
            if (!xadd && strategy == null) {
                c.error("ERR syntax error, XTRIM must be called with a trimming strategy");
                return null;
            }
            if (limitGiven) {
                if (!approximate) {
                    c.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                    return null;
                }
            } else if (approximate) {
                limit = 100 * c.node().config().find("stream-node-max-entries").asLong();
                if (limit <= 0 || limit > 1_000_000) {
                    limit = 10_000;
                }
            }
            return new TrimOptions(strategy, maxLength, minId, approximate, limit, noMakeStream, id == null,
                    id, seqGiven[0], i);
        }

        long trim(StreamValue s) {
            return s.trim(strategy, maxLength, minId, approximate, limit);
        }
    }

    static void xadd(Client c, byte[][] args) {
        TrimOptions o = TrimOptions.parse(c, args, true);
        if (o == null) {
            return;
        }
        int fieldsFrom = o.idIndex() + 1;
        int fieldCount = args.length - fieldsFrom;
        if (fieldCount < 2 || fieldCount % 2 == 1) {
            c.error("ERR wrong number of arguments for 'xadd' command");
            return;
        }
        if (!o.autoId() && o.seqGiven() && o.id().isZero()) {
            c.error("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        Db db = c.db();
        byte[] key = args[1];
        StreamValue s = Lookups.writeOrMissing(c, key, StreamValue.class, null);
        if (s == null) {
            if (db.get(key) != null) {
                return; // WRONGTYPE replied
            }
            if (o.noMakeStream()) {
                c.reply().nullBulk();
                return;
            }
            s = new StreamValue();
            db.put(key, s);
        }
        if (s.lastId().equals(StreamId.MAX)) {
            c.error("ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        StreamId id = nextId(c, s, o);
        if (id == null) {
            c.error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        byte[][] fieldValues = Arrays.copyOfRange(args, fieldsFrom, args.length);
        s.append(id, fieldValues, c.node().config().find("stream-node-max-bytes").asLong(),
                c.node().config().find("stream-node-max-entries").asLong());
        Streams.id(c.reply(), id);
        c.notify(KeyspaceEvents.STREAM, "xadd", key);
        if (o.strategy() != null && o.trim(s) > 0) {
            c.notify(KeyspaceEvents.STREAM, "xtrim", key);
        }
        db.signalModified(key);
        c.node().blocked().signal(c.dbIndex(), key);
    }

    /** The new entry's ID, or null when it would not be above the stream's last ID. */
    private static StreamId nextId(Client c, StreamValue s, TrimOptions o) {
        StreamId last = s.lastId();
        StreamId id;
        if (o.autoId()) {
            long now = Streams.now(c);
            id = Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
        } else if (o.seqGiven()) {
            id = o.id();
        } else if (last.ms() == o.id().ms()) {
            if (last.seq() == -1L) {
                return null;
            }
            id = last.next();
        } else {
            id = o.id();
        }
        return id.compareTo(last) > 0 ? id : null;
    }

    static void xtrim(Client c, byte[][] args) {
        TrimOptions o = TrimOptions.parse(c, args, false);
        if (o == null) {
            return;
        }
        StreamValue s = Lookups.write(c, args[1], StreamValue.class, cl -> cl.reply().integer(0));
        if (s == null) {
            return;
        }
        long removed = o.trim(s);
        if (removed > 0) {
            c.notify(KeyspaceEvents.STREAM, "xtrim", args[1]);
            c.db().signalModified(args[1]);
        }
        c.reply().integer(removed);
    }

    static void xdel(Client c, byte[][] args) {
        StreamValue s = Lookups.write(c, args[1], StreamValue.class, cl -> cl.reply().integer(0));
        if (s == null) {
            return;
        }
        StreamId[] ids = new StreamId[args.length - 2];
        for (int i = 2; i < args.length; i++) {
            ids[i - 2] = StreamIds.parseOrReply(c, args[i], 0, true);
            if (ids[i - 2] == null) {
                return;
            }
        }
        long deleted = 0;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            c.db().signalModified(args[1]);
            c.notify(KeyspaceEvents.STREAM, "xdel", args[1]);
        }
        c.reply().integer(deleted);
    }

    static void xsetid(Client c, byte[][] args) {
        StreamId id = StreamIds.parseOrReply(c, args[2], 0, true);
        if (id == null) {
            return;
        }
        long entriesAdded = -1;
        StreamId maxDeleted = StreamId.MIN;
        for (int i = 3; i < args.length; i++) {
            int more = args.length - 1 - i;
            if (Streams.is(args[i], "entriesadded") && more > 0) {
                Long v = Args.parseLong(c, args[i + 1]);
                if (v == null) {
                    return;
                }
                if (v < 0) {
                    c.error("ERR entries_added must be positive");
                    return;
                }
                entriesAdded = v;
                i++;
            } else if (Streams.is(args[i], "maxdeletedid") && more > 0) {
                maxDeleted = StreamIds.parseOrReply(c, args[i + 1], 0, true);
                if (maxDeleted == null) {
                    return;
                }
                if (id.compareTo(maxDeleted) < 0) {
                    c.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
                i++;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        StreamValue s = Lookups.write(c, args[1], StreamValue.class, cl -> cl.error(Errors.NO_SUCH_KEY));
        if (s == null) {
            return;
        }
        if (id.compareTo(s.maxDeletedId()) < 0) { // Redis 7.2 (redis#11444); 7.0 accepted it
            c.error("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
            return;
        }
        if (s.length() > 0) {
            if (id.compareTo(s.lastValidId()) < 0) {
                c.error("ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && s.length() > entriesAdded) {
                c.error("ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        s.setCounters(id, entriesAdded != -1 ? entriesAdded : s.entriesAdded(),
                maxDeleted.isZero() ? s.maxDeletedId() : maxDeleted);
        c.notify(KeyspaceEvents.STREAM, "xsetid", args[1]);
        c.reply().ok();
    }
}
