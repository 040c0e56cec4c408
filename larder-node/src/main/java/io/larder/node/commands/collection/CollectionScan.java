package io.larder.node.commands.collection;

import io.larder.node.server.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * HSCAN, SSCAN and ZSCAN: a compact value is returned whole with cursor 0, a table one bucket run at a time.
 * The families differ only in how they look the key up and how they step through their value ({@link Walk}).
 */
public final class CollectionScan {
    private CollectionScan() {
    }

    /** Receives one entry: the element MATCH is tried on, and the value that follows it in the reply, or null. */
    @FunctionalInterface
    public interface Sink {
        void entry(byte[] element, byte[] value);
    }

    /** How to step through a value of one type. */
    public interface Walk<V> {
        boolean isCompact(V value);

        /** Visits every entry. */
        void forEach(V value, Sink sink);

        /** Visits the entries of one bucket run from {@code cursor} and returns the next cursor. */
        long scanStep(V value, long cursor, Sink sink);
    }

    /**
     * Runs the command {@code args} ({@code key cursor [MATCH pattern] [COUNT count]}). {@code lookup} replies with
     * the WRONGTYPE error itself and then returns {@code wrongType}.
     */
    public static <V> void scan(Client c, byte[][] args, Function<byte[], V> lookup, V wrongType, Walk<V> walk) {
        Long start = ScanOptions.cursor(c, args);
        if (start == null) {
            return;
        }
        V value = lookup.apply(args[1]);
        if (value == wrongType) {
            return;
        }
        if (value == null) {
            ScanOptions.reply(c.reply(), 0, List.of());
            return;
        }
        ScanOptions options = ScanOptions.parse(c, args, start);
        if (options == null) {
            return;
        }
        List<byte[]> found = new ArrayList<>();
        long cursor = 0;
        Sink collect = (e, v) -> {
            if (options.matches(e)) {
                found.add(e);
                if (v != null) {
                    found.add(v);
                }
            }
        };
        if (walk.isCompact(value)) {
            walk.forEach(value, collect);
        } else {
            cursor = options.cursor();
            long budget = options.count() * 10;
            int[] seen = {0};
            do {
                cursor = walk.scanStep(value, cursor, (e, v) -> {
                    seen[0]++;
                    collect.entry(e, v);
                });
            } while (cursor != 0 && budget-- > 0 && seen[0] < options.count());
        }
        ScanOptions.reply(c.reply(), cursor, found);
    }
}
