package io.larder.node.persistence.aof;

import io.larder.engine.hash.HashValue;
import io.larder.engine.rdb.RdbReader;
import io.larder.engine.rdb.RdbValues;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetValue;
import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.DoubleFormat;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.propagation.Resp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The dataset as commands (Redis's rewriteAppendOnlyFileRio, the {@code aof-use-rdb-preamble no} form): the
 * function libraries (FUNCTION LOAD), then per run of one database's keys a SELECT, per key the commands that
 * rebuild it, at most 64 elements a command, then PEXPIREAT.
 * <p>
 * The commands are made from a fork-less RDB image of the keyspace (an {@code RdbSnapshot}, taken while the
 * rewrite holds every stripe for the file switch alone), read back key by key: so this form, too, stops
 * writes only for the switch, and its memory is one value at a time plus a bounded output buffer.
 */
final class AofBase {
    private static final int ITEMS_PER_COMMAND = 64;
    /** Commands are handed to the file in chunks of about this many bytes. */
    private static final int FLUSH_BYTES = 1 << 20;

    private AofBase() {
    }

    /**
     * Writes the commands for the RDB image {@code rdb} to {@code out}. Keys whose TTL has passed are written too,
     * with their PEXPIREAT, as Redis's rewrite writes every key it holds: the incremental file that follows may
     * act on them (a PERSIST that ran before the TTL passed), and the replay keeps such keys until it is done.
     */
    static void fromImage(InputStream rdb, WritableByteChannel out, RdbValues.Limits limits, int databases)
            throws IOException {
        Resp buf = new Resp();
        int[] selected = {-1};
        try {
            RdbReader.read(rdb, limits, databases, false, new RdbReader.Sink() {
                @Override
                public void function(byte[] code) {
                    buf.header('*', 3);
                    buf.bulk(ascii("FUNCTION"));
                    buf.bulk(ascii("LOAD"));
                    buf.bulk(code);
                }

                @Override
                public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) {
                    if (db != selected[0]) {
                        buf.command("SELECT", Integer.toString(db));
                        selected[0] = db;
                    }
                    AofBase.key(buf, key, value);
                    if (expireAt != 0) {
                        buf.header('*', 3);
                        buf.bulk(ascii("PEXPIREAT"));
                        buf.bulk(key);
                        buf.bulk(ascii(Long.toString(expireAt)));
                    }
                    if (buf.length() >= FLUSH_BYTES) {
                        flush(buf, out);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        flush(buf, out);
    }

    private static void flush(Resp buf, WritableByteChannel out) {
        try {
            ByteBuffer b = ByteBuffer.wrap(buf.array(), 0, buf.length());
            while (b.hasRemaining()) {
                out.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buf.clear();
    }

    private static void key(Resp out, byte[] key, Object value) {
        switch (value) {
            case ListValue list -> {
                List<byte[]> items = new ArrayList<>();
                list.forEach(0, false, e -> {
                    items.add(e);
                    return true;
                });
                batches(out, "RPUSH", key, items, 1);
            }
            case SetValue set -> {
                List<byte[]> items = new ArrayList<>();
                set.forEach(m -> {
                    items.add(m);
                    return true;
                });
                batches(out, "SADD", key, items, 1);
            }
            case ZSetValue zset -> {
                List<byte[]> items = new ArrayList<>();
                zset.forEach((m, score) -> {
                    items.add(ascii(DoubleFormat.shortest(score)));
                    items.add(m);
                    return true;
                });
                batches(out, "ZADD", key, items, 2);
            }
            case HashValue hash -> {
                List<byte[]> items = new ArrayList<>();
                hash.forEach((f, v) -> {
                    items.add(f);
                    items.add(v);
                });
                batches(out, "HMSET", key, items, 2);
            }
            case StreamValue stream -> stream(out, key, stream);
            default -> {
                out.header('*', 3);
                out.bulk(ascii("SET"));
                out.bulk(key);
                out.bulk(StringValues.bytes(value));
            }
        }
    }

    /** Commands of at most 64 items, each item {@code width} arguments. */
    private static void batches(Resp out, String command, byte[] key, List<byte[]> args, int width) {
        int perCommand = ITEMS_PER_COMMAND * width;
        for (int from = 0; from < args.size(); from += perCommand) {
            int to = Math.min(args.size(), from + perCommand);
            out.header('*', 2 + to - from);
            out.bulk(ascii(command));
            out.bulk(key);
            for (int i = from; i < to; i++) {
                out.bulk(args.get(i));
            }
        }
    }

    /**
     * Entries with their IDs, then XSETID with the counters, then the groups with their last delivered ID and
     * read counter, their consumers, and each pending entry as a forced XCLAIM (Redis's rewrite; consumers'
     * seen and active times are not kept, as in Redis).
     */
    private static void stream(Resp out, byte[] key, StreamValue stream) {
        if (stream.length() == 0) {
            // Redis's trick to create an empty stream with the right last ID.
            out.header('*', 7);
            out.bulk(ascii("XADD"));
            out.bulk(key);
            out.bulk(ascii("MAXLEN"));
            out.bulk(ascii("0"));
            out.bulk(ascii(stream.lastId().toString()));
            out.bulk(ascii("x"));
            out.bulk(ascii("y"));
        } else {
            stream.range(StreamId.MIN, StreamId.MAX, false, (id, fieldValues) -> {
                out.header('*', 3 + fieldValues.length);
                out.bulk(ascii("XADD"));
                out.bulk(key);
                out.bulk(ascii(id.toString()));
                for (byte[] b : fieldValues) {
                    out.bulk(b);
                }
                return true;
            });
        }
        out.header('*', 7);
        out.bulk(ascii("XSETID"));
        out.bulk(key);
        out.bulk(ascii(stream.lastId().toString()));
        out.bulk(ascii("ENTRIESADDED"));
        out.bulk(ascii(Long.toString(stream.entriesAdded())));
        out.bulk(ascii("MAXDELETEDID"));
        out.bulk(ascii(stream.maxDeletedId().toString()));
        for (ConsumerGroup g : stream.groups().values()) {
            out.header('*', 7);
            out.bulk(ascii("XGROUP"));
            out.bulk(ascii("CREATE"));
            out.bulk(key);
            out.bulk(g.name());
            out.bulk(ascii(g.lastId.toString()));
            out.bulk(ascii("ENTRIESREAD"));
            out.bulk(ascii(Long.toString(g.entriesRead)));
            for (Consumer consumer : g.consumers().values()) {
                if (consumer.pending().isEmpty()) {
                    out.header('*', 5);
                    out.bulk(ascii("XGROUP"));
                    out.bulk(ascii("CREATECONSUMER"));
                    out.bulk(key);
                    out.bulk(g.name());
                    out.bulk(consumer.name());
                    continue;
                }
                // Each pending entry as Redis rewrites it: a forced claim keeping delivery time and count.
                consumer.pending().forEach((id, entry) -> {
                    out.header('*', 12);
                    out.bulk(ascii("XCLAIM"));
                    out.bulk(key);
                    out.bulk(g.name());
                    out.bulk(consumer.name());
                    out.bulk(ascii("0"));
                    out.bulk(ascii(id.toString()));
                    out.bulk(ascii("TIME"));
                    out.bulk(ascii(Long.toString(entry.deliveryTime)));
                    out.bulk(ascii("RETRYCOUNT"));
                    out.bulk(ascii(Long.toString(entry.deliveryCount)));
                    out.bulk(ascii("JUSTID"));
                    out.bulk(ascii("FORCE"));
                });
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
