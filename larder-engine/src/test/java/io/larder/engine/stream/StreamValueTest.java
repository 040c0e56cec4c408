package io.larder.engine.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** StreamValue against a plain sorted map, and its node accounting against hand-computed listpack sizes. */
class StreamValueTest {
    private static byte[][] fv(String... s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    private static List<StreamId> ids(StreamValue s, StreamId from, StreamId to, boolean reverse) {
        List<StreamId> out = new ArrayList<>();
        s.range(from, to, reverse, (id, values) -> out.add(id));
        return out;
    }

    @Test
    void rangesDeletesAndTrimsMatchASortedMapModel() {
        for (long seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            StreamValue s = new StreamValue();
            TreeMap<StreamId, byte[][]> model = new TreeMap<>();
            long ms = 0;
            for (int op = 0; op < 600; op++) {
                int kind = r.nextInt(10);
                if (kind < 6) {
                    ms += r.nextInt(3);
                    StreamId id = s.lastId().ms() == ms ? s.lastId().next() : new StreamId(ms, r.nextInt(3));
                    if (id.compareTo(s.lastId()) <= 0) {
                        id = s.lastId().next();
                    }
                    byte[][] values = fv("f" + r.nextInt(3), "x".repeat(r.nextInt(200)));
                    s.append(id, values, 1 + r.nextInt(600), r.nextInt(12));
                    model.put(id, values);
                } else if (kind < 8 && !model.isEmpty()) {
                    StreamId victim = new ArrayList<>(model.keySet()).get(r.nextInt(model.size()));
                    assertThat(s.delete(victim)).isTrue();
                    model.remove(victim);
                    assertThat(s.delete(victim)).isFalse();
                } else if (kind == 8) {
                    long maxLen = r.nextInt(model.size() + 1);
                    long removed = s.trim(StreamValue.TrimStrategy.MAXLEN, maxLen, null, false, 0);
                    assertThat(removed).isEqualTo(Math.max(0, model.size() - maxLen));
                    while (model.size() > maxLen) {
                        model.pollFirstEntry();
                    }
                } else {
                    StreamId min = new StreamId(r.nextInt((int) ms + 1), 0);
                    long before = s.length();
                    long removed = s.trim(StreamValue.TrimStrategy.MINID, 0, min, true, 0);
                    // approximate: whole nodes only, never an entry at or above the bound
                    assertThat(removed).isEqualTo(before - s.length());
                    model.headMap(min).clear();
                    assertThat(s.length()).isGreaterThanOrEqualTo(model.size());
                    model.clear();
                    s.range(StreamId.MIN, StreamId.MAX, false, (id, values) -> {
                        model.put(id, values);
                        return true;
                    });
                }
                assertThat(s.length()).isEqualTo(model.size());
                StreamId a = new StreamId(r.nextInt((int) ms + 2), r.nextInt(3));
                StreamId b = new StreamId(r.nextInt((int) ms + 2), r.nextInt(3));
                if (a.compareTo(b) > 0) {
                    assertThat(ids(s, a, b, false)).isEmpty();
                } else {
                    assertThat(ids(s, a, b, false)).containsExactlyElementsOf(model.subMap(a, true, b, true).keySet());
                    assertThat(ids(s, a, b, true))
                            .containsExactlyElementsOf(model.subMap(a, true, b, true).descendingKeySet());
                }
                for (Map.Entry<StreamId, byte[][]> e : model.entrySet()) {
                    assertThat(s.get(e.getKey())).isSameAs(e.getValue());
                }
                if (!model.isEmpty()) {
                    assertThat(s.firstId()).isEqualTo(model.firstKey());
                    assertThat(s.lastValidId()).isEqualTo(model.lastKey());
                }
            }
        }
    }

    @Test
    void nodesCloseAtTheEntryLimitAndApproximateTrimsRemoveWholeNodes() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 250; i++) {
            s.append(new StreamId(i, 0), fv("f", "v"), 4096, 100);
        }
        assertThat(s.nodeCount()).isEqualTo(3);
        assertThat(s.trim(StreamValue.TrimStrategy.MAXLEN, 180, null, true, 10_000)).isEqualTo(0);
        assertThat(s.trim(StreamValue.TrimStrategy.MAXLEN, 150, null, true, 10_000)).isEqualTo(100);
        assertThat(s.trim(StreamValue.TrimStrategy.MAXLEN, 0, null, true, 30)).isEqualTo(0); // LIMIT below a node
        assertThat(s.trim(StreamValue.TrimStrategy.MAXLEN, 120, null, false, 0)).isEqualTo(30);
        assertThat(ids(s, StreamId.MIN, StreamId.MAX, false).getFirst()).isEqualTo(new StreamId(131, 0));
    }

    @Test
    void nodeBytesFollowTheListpackEncoding() {
        // Small integers take 2 bytes (encoding and back length), a 1-character string 3.
        // Master entry: count 1, deleted 0, 1 field, "f", terminator: 2+2+2+3+2 = 11; header and end byte: 7.
        // Entry: flags, ms-diff 0, seq-diff 0, value "v", lp-count 4: 2+2+2+3+2 = 11.
        StreamNode node = new StreamNode(new StreamId(5, 0), fv("f", "v"));
        node.append(new StreamId(5, 0), fv("f", "v"));
        assertThat(node.bytes()).isEqualTo(7 + 11 + 11);
        // Other fields: flags, ms-diff 1000 (13-bit: 3), seq-diff, num-fields, "g", a 70-character value
        // (2-byte length encoding: 73), lp-count.
        node.append(new StreamId(1005, 0), fv("g", "y".repeat(70)));
        assertThat(node.bytes()).isEqualTo(7 + 11 + 11 + (2 + 3 + 2 + 2 + 3 + 73 + 2));
        // Same fields as the master: no field names; 12345 is stored as a 16-bit integer (4 bytes).
        node.append(new StreamId(1006, 0), fv("f", "12345"));
        assertThat(node.bytes()).isEqualTo(7 + 11 + 11 + 87 + (2 + 3 + 2 + 4 + 2));
    }

    @Test
    void lagIsKnownWithoutTombstonesAndUnknownPastThem() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 5; i++) {
            s.append(new StreamId(i, 0), fv("f", "v"), 4096, 100);
        }
        ConsumerGroup g = s.createGroup(fv("g")[0], StreamId.MIN, ConsumerGroup.INVALID_ENTRIES_READ);
        assertThat(s.lag(g)).isEqualTo(5);
        s.delivered(g, new StreamId(1, 0));
        s.delivered(g, new StreamId(2, 0));
        assertThat(g.entriesRead).isEqualTo(2);
        assertThat(s.lag(g)).isEqualTo(3);
        s.delete(new StreamId(4, 0));
        assertThat(s.lag(g)).isNull();
        s.delivered(g, new StreamId(3, 0)); // a tombstone lies ahead: the counter becomes unknown
        assertThat(g.entriesRead).isEqualTo(ConsumerGroup.INVALID_ENTRIES_READ);
        assertThat(s.lag(g)).isNull();
        s.delivered(g, new StreamId(5, 0)); // the last entry's counter is known again
        assertThat(s.lag(g)).isZero();
    }
}
