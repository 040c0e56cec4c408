package io.larder.node.commands.sort;

import io.larder.engine.hash.HashValue;
import io.larder.engine.keyspace.Db;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetValue;
import io.larder.engine.string.StringValues;
import io.larder.engine.zset.Scores;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO over a list, set or sorted set, with Redis's rules: elements compare as numbers (strtod of
 * the element or of the BY key's value; a missing BY key counts 0; equal numbers fall back to the elements'
 * bytes) or, with ALPHA, as bytes (a missing BY value sorts first, equal BY values keep the elements' order).
 * A BY pattern without '*' skips sorting: lists and sorted sets keep their order (reversed by DESC), a set its
 * iteration order — except when stored, where it is sorted ALPHA so the stored list does not depend on the set's
 * layout. The caller holds every stripe when BY or GET may read other keys ({@link SortOptions#readsPatternKeys}).
 */
final class SortCommand {
    private static final String NOT_A_DOUBLE = "ERR One or more scores can't be converted into double";

    /** One element and what it sorts by. */
    private static final class Item {
        final byte[] element;
        double score;
        byte[] byValue;

        Item(byte[] element) {
            this.element = element;
        }
    }

    private SortCommand() {
    }

    static void sort(Client c, byte[][] args) {
        run(c, args, false);
    }

    static void sortRo(Client c, byte[][] args) {
        run(c, args, true);
    }

    private static void run(Client c, byte[][] args, boolean readonly) {
        SortOptions o = SortOptions.parse(c, args, readonly);
        if (o == null) {
            return;
        }
        Object value = Lookups.read(c, c.db(), args[1]);
        if (value != null && !(value instanceof ListValue || value instanceof SetValue || value instanceof ZSetValue)) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        boolean dontSort = o.dontSort();
        boolean alpha = o.alpha();
        byte[] by = o.by();
        if (dontSort && value instanceof SetValue && o.store() != null) {
            dontSort = false;
            alpha = true;
            by = null;
        }
        long size = sizeOf(value);
        long start = Math.min(Math.max(o.limitStart(), 0), size);
        long count = Math.min(Math.max(o.limitCount(), -1), size);
        long end = count < 0 ? size - 1 : start + count - 1;
        if (start >= size) {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size) {
            end = size - 1;
        }
        Item[] items;
        if (dontSort && (value instanceof ListValue || value instanceof ZSetValue)) {
            // Stored order: load just the selected range.
            items = inOrder(value, start, end, o.desc());
            end -= start;
            start = 0;
        } else {
            items = all(value);
        }
        boolean notADouble = false;
        if (!dontSort) {
            for (Item it : items) {
                byte[] sortBy = by == null ? it.element : SortPatterns.lookup(c, by, it.element);
                if (sortBy == null) {
                    continue; // a missing BY key: score 0, or first with ALPHA
                }
                if (alpha) {
                    it.byValue = by == null ? null : sortBy;
                } else {
                    try {
                        it.score = Scores.parseSortValue(sortBy);
                    } catch (Scores.NotAScore e) {
                        notADouble = true;
                    }
                }
            }
            Comparator<Item> order = alpha ? (by == null ? SortCommand::compareElements : SortCommand::compareByValues)
                    : SortCommand::compareNumbers;
            Arrays.sort(items, o.desc() ? order.reversed() : order);
        }
        if (notADouble) {
            c.error(NOT_A_DOUBLE);
            return;
        }
        int from = (int) start;
        int to = (int) end;
        if (o.store() == null) {
            reply(c, o.gets(), items, from, to);
        } else {
            store(c, o.store(), o.gets(), items, from, to);
        }
    }

    private static void reply(Client c, List<byte[]> gets, Item[] items, int from, int to) {
        ReplyWriter out = c.reply();
        int n = Math.max(0, to - from + 1);
        out.array(gets.isEmpty() ? n : n * gets.size());
        for (int j = from; j <= to; j++) {
            if (gets.isEmpty()) {
                out.bulk(items[j].element);
            }
            for (byte[] pattern : gets) {
                byte[] v = SortPatterns.lookup(c, pattern, items[j].element);
                if (v == null) {
                    out.nullBulk();
                } else {
                    out.bulk(v);
                }
            }
        }
    }

    /** STORE: the result as a list (missing GET values as empty strings); an empty result deletes the key. */
    private static void store(Client c, byte[] key, List<byte[]> gets, Item[] items, int from, int to) {
        int fill = c.node().config().listMaxListpackSize.asInt();
        ListValue list = new ListValue();
        for (int j = from; j <= to; j++) {
            if (gets.isEmpty()) {
                append(list, items[j].element, fill);
            }
            for (byte[] pattern : gets) {
                byte[] v = SortPatterns.lookup(c, pattern, items[j].element);
                append(list, v == null ? new byte[0] : v, fill);
            }
        }
        Db db = c.db();
        if (list.size() > 0) {
            db.put(key, list);
            db.signalModified(key);
            c.notify(KeyspaceEvents.LIST, "sortstore", key);
            c.node().blocked().signal(c.dbIndex(), key);
        } else if (db.delete(key)) {
            db.signalModified(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        }
        c.reply().integer(list.size());
    }

    private static void append(ListValue list, byte[] element, int fill) {
        list.growing(element, fill);
        list.pushLast(element, fill);
    }

    private static long sizeOf(Object value) {
        if (value instanceof ListValue l) {
            return l.size();
        }
        if (value instanceof SetValue s) {
            return s.size();
        }
        return value instanceof ZSetValue z ? z.size() : 0;
    }

    /** Elements {@code start..end} of a list or sorted set in stored order, counted from the tail when {@code desc}. */
    private static Item[] inOrder(Object value, long start, long end, boolean desc) {
        int n = (int) Math.max(0, end - start + 1);
        Item[] items = new Item[n];
        if (n == 0) {
            return items;
        }
        int[] i = {0};
        if (value instanceof ListValue list) {
            list.forEach(desc ? list.size() - start - 1 : start, desc, e -> {
                items[i[0]++] = new Item(e);
                return i[0] < n;
            });
        } else {
            ZSetValue z = (ZSetValue) value;
            int lo = desc ? (int) (z.size() - 1 - end) : (int) start;
            z.visit(lo, lo + n - 1, desc, (m, s) -> {
                items[i[0]++] = new Item(m);
                return true;
            });
        }
        return items;
    }

    private static Item[] all(Object value) {
        Item[] items = new Item[(int) sizeOf(value)];
        int[] i = {0};
        if (value instanceof ListValue list) {
            list.forEach(0, false, e -> {
                items[i[0]++] = new Item(e);
                return true;
            });
        } else if (value instanceof SetValue set) {
            set.forEach(m -> {
                items[i[0]++] = new Item(m);
                return true;
            });
        } else if (value instanceof ZSetValue z) {
            z.forEach((m, s) -> {
                items[i[0]++] = new Item(m);
                return true;
            });
        }
        return items;
    }

    /** Numbers; equal ones (0 and -0 too, as C's comparison) by the elements' bytes, so the result is deterministic. */
    private static int compareNumbers(Item a, Item b) {
        if (a.score > b.score) {
            return 1;
        }
        if (a.score < b.score) {
            return -1;
        }
        return Arrays.compareUnsigned(a.element, b.element);
    }

    private static int compareElements(Item a, Item b) {
        return Arrays.compareUnsigned(a.element, b.element);
    }

    /** ALPHA with BY: a missing value sorts first; equal values are not ordered further (the sort is stable). */
    private static int compareByValues(Item a, Item b) {
        if (a.byValue == null || b.byValue == null) {
            return a.byValue == b.byValue ? 0 : a.byValue == null ? -1 : 1;
        }
        return Arrays.compareUnsigned(a.byValue, b.byValue);
    }

    /** The keys BY and GET patterns name: {@code *} replaced by the element, {@code ->field} reading a hash. */
    static final class SortPatterns {
        private SortPatterns() {
        }

        /**
         * The value {@code pattern} names for {@code element}: the element itself for "#", a string key's value or
         * a hash field's, or null when the key is missing or of another type, the field is missing, or the pattern
         * has no '*'.
         */
        static byte[] lookup(Client c, byte[] pattern, byte[] element) {
            if (pattern.length == 1 && pattern[0] == '#') {
                return element;
            }
            int star = SortOptions.indexOf(pattern, (byte) '*');
            if (star < 0) {
                return null;
            }
            int arrow = -1;
            for (int i = star + 1; i + 1 < pattern.length; i++) {
                if (pattern[i] == '-' && pattern[i + 1] == '>') {
                    arrow = i;
                    break;
                }
            }
            if (arrow == pattern.length - 2) {
                arrow = -1; // "->" with no field after it is part of the key name
            }
            int suffixEnd = arrow < 0 ? pattern.length : arrow;
            byte[] key = new byte[star + element.length + suffixEnd - star - 1];
            System.arraycopy(pattern, 0, key, 0, star);
            System.arraycopy(element, 0, key, star, element.length);
            System.arraycopy(pattern, star + 1, key, star + element.length, suffixEnd - star - 1);
            Object value = Lookups.read(c, c.db(), key);
            if (value == null) {
                return null;
            }
            if (arrow >= 0) {
                return value instanceof HashValue h ? h.get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)) : null;
            }
            return StringValues.isString(value) ? StringValues.bytes(value) : null;
        }
    }
}
