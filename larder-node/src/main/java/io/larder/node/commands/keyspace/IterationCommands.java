package io.larder.node.commands.keyspace;

import io.larder.node.commands.ValueTypes;
import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.util.Glob;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * KEYS, SCAN and RANDOMKEY. KEYS and RANDOMKEY hold every stripe, as they are atomic in Redis. SCAN locks one
 * stripe at a time while it walks the slots.
 * <p>
 * A SCAN cursor packs a position in the stripe-major slot order (low 14 bits; see
 * {@link Keyspace#slotAtPosition}) and the reverse-binary cursor of that slot's {@link Dict} (the bits above).
 * Each Dict call returns every key of a home bucket, so within a slot Redis's guarantee holds across inserts,
 * deletes and resizes, and slots are walked in a fixed order: a full iteration returns every key present from
 * its start to its end.
 */
final class IterationCommands {
    private static final int POSITION_BITS = 14;
    private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
    /** Like Redis, a call visits at most ten buckets per requested key, so sparse tables cannot stall it. */
    private static final int BUCKETS_PER_KEY = 10;

    static {
        if (HashSlot.COUNT != 1 << POSITION_BITS) {
            throw new AssertionError("SCAN cursor layout assumes 16384 slots");
        }
    }

    private IterationCommands() {
    }

    static void register(CommandTable table) {
        table.register(CommandSpec.builder("keys", 2).flags("readonly").acl("keyspace read slow dangerous")
                .tips("request_policy:all_shards", "nondeterministic_output_order").wholeKeyspace()
                .summary("Returns the key names that match a pattern").handler(IterationCommands::keys).build());
        table.register(CommandSpec.builder("scan", -2).flags("readonly").acl("keyspace read slow")
                .tips("nondeterministic_output", "request_policy:special").since("2.8.0")
                .summary("Iterates over the key names of a database").handler(IterationCommands::scan).build());
        table.register(CommandSpec.builder("randomkey", 1).flags("readonly").acl("keyspace read slow")
                .tips("request_policy:all_shards", "nondeterministic_output").wholeKeyspace()
                .summary("Returns a random key name").handler(IterationCommands::randomKey).build());
    }

    private static void keys(Client c, byte[][] args) {
        byte[] pattern = args[1];
        boolean all = Glob.matchesAll(pattern);
        Db db = c.db();
        long now = db.keyspace().clock().millis();
        List<byte[]> found = new ArrayList<>();
        for (int slot = 0; slot < HashSlot.COUNT; slot++) {
            db.forEachLiveKey(slot, now, key -> {
                if (all || Glob.matches(pattern, key, false)) {
                    found.add(key);
                }
            });
        }
        replyKeys(c, found);
    }

    private static void randomKey(Client c, byte[][] args) {
        byte[] key = c.db().randomKey();
        if (key == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(key);
        }
    }

    /** SCAN's options, parsed once. {@code type} is null when no TYPE filter was given. */
    record ScanOptions(long count, byte[] pattern, String type) {
        /** The options, or null after replying with the error. */
        static ScanOptions parse(Client c, byte[][] args) {
            long count = 10;
            byte[] pattern = null;
            String type = null;
            for (int i = 2; i < args.length; i++) {
                String option = new String(args[i], StandardCharsets.ISO_8859_1);
                boolean hasValue = i + 1 < args.length;
                if (option.equalsIgnoreCase("count") && hasValue) {
                    Long n = io.larder.node.commands.collection.ScanOptions.parseCount(c, args[++i]);
                    if (n == null) {
                        return null;
                    }
                    count = n;
                } else if (option.equalsIgnoreCase("match") && hasValue) {
                    pattern = args[++i];
                    if (Glob.matchesAll(pattern)) {
                        pattern = null;
                    }
                } else if (option.equalsIgnoreCase("type") && hasValue) {
                    // An unknown type name matches no key (Redis 7.2 does not reject it yet).
                    type = new String(args[++i], StandardCharsets.ISO_8859_1);
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new ScanOptions(count, pattern, type);
        }

        boolean accepts(byte[] key, Object value) {
            return (pattern == null || Glob.matches(pattern, key, false))
                    && (type == null || type.equalsIgnoreCase(ValueTypes.typeName(value)));
        }
    }

    /**
     * Parses a cursor as C's strtoull, which Redis uses: decimal digits with an optional sign (a '-' wraps
     * around), nothing before or after, no overflow; the empty string is cursor 0. Empty when invalid.
     */
    static OptionalLong parseCursor(byte[] s) {
        int i = 0;
        boolean negative = false;
        if (s.length > 0 && (s[0] == '-' || s[0] == '+')) {
            negative = s[0] == '-';
            i = 1;
            if (s.length == 1) {
                return OptionalLong.empty();
            }
        }
        long v = 0;
        for (; i < s.length; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9 || Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return OptionalLong.empty();
            }
            v = v * 10 + d;
        }
        return OptionalLong.of(negative ? -v : v);
    }

    private static void scan(Client c, byte[][] args) {
        OptionalLong parsed = parseCursor(args[1]);
        if (parsed.isEmpty()) {
            c.error("ERR invalid cursor");
            return;
        }
        long cursor = parsed.getAsLong();
        ScanOptions options = ScanOptions.parse(c, args);
        if (options == null) {
            return;
        }
        ScanBatch batch = new ScanBatch(c.db(), options);
        long next = batch.run((int) (cursor & POSITION_MASK), cursor >>> POSITION_BITS);
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(next));
        replyKeys(c, batch.found);
    }

    /** One SCAN call's walk: from a cursor, stripe by stripe, until COUNT keys were seen or the walk ends. */
    private static final class ScanBatch implements Dict.CellVisitor {
        private final Db db;
        private final Keyspace keyspace;
        private final ScanOptions options;
        private final long now;
        final List<byte[]> found = new ArrayList<>();
        private final List<byte[]> expired = new ArrayList<>();
        private long seen;
        private long bucketBudget;

        ScanBatch(Db db, ScanOptions options) {
            this.db = db;
            this.keyspace = db.keyspace();
            this.options = options;
            this.now = keyspace.clock().millis();
            long count = options.count();
            this.bucketBudget = count > Long.MAX_VALUE / BUCKETS_PER_KEY ? Long.MAX_VALUE : count * BUCKETS_PER_KEY;
        }

        /** Returns the cursor to continue from, 0 when every slot was covered. */
        long run(int position, long slotCursor) {
            while (position < HashSlot.COUNT) {
                int stripe = position / Keyspace.SLOTS_PER_STRIPE;
                keyspace.lockStripe(stripe);
                try {
                    do {
                        slotCursor = scanSlot(Keyspace.slotAtPosition(position), slotCursor);
                        if (slotCursor != 0) {
                            return slotCursor << POSITION_BITS | position; // stopped inside this slot
                        }
                        position++;
                    } while (position % Keyspace.SLOTS_PER_STRIPE != 0 && !full());
                } finally {
                    keyspace.unlockStripe(stripe);
                }
                if (full()) {
                    break;
                }
            }
            return position == HashSlot.COUNT ? 0 : position;
        }

        private boolean full() {
            return seen >= options.count() || bucketBudget <= 0;
        }

        /** Scans one slot from {@code cursor} until it is done (returns 0) or the batch is full. */
        private long scanSlot(int slot, long cursor) {
            Dict dict = db.slot(slot);
            if (dict == null || dict.size() == 0) {
                return 0; // free, so that tables emptied by deletes do not use up the budget
            }
            do {
                cursor = dict.scan(cursor, this);
                bucketBudget--;
            } while (cursor != 0 && !full());
            // Lazy expiry of what the walk met, after it: deleting shifts cells but no key changes home bucket.
            for (byte[] key : expired) {
                db.exists(key);
            }
            expired.clear();
            return cursor;
        }

        @Override
        public boolean visit(Dict dict, int index) {
            long at = dict.expiryAt(index);
            byte[] key = dict.keyAt(index);
            if (at != 0 && at <= now) {
                expired.add(key);
            } else {
                seen++;
                if (options.accepts(key, dict.valueAt(index))) {
                    found.add(key);
                }
            }
            return true;
        }
    }

    private static void replyKeys(Client c, List<byte[]> keys) {
        c.reply().array(keys.size());
        for (byte[] key : keys) {
            c.reply().bulk(key);
        }
    }
}
