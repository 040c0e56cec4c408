package io.larder.engine.rdb;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.PendingEntry;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RdbStreamsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A seeded random stream: several nodes, mixed field sets, deletions, a group with a consumer's PEL. */
    private static StreamValue sample(long seed) {
        Random r = new Random(seed);
        StreamValue s = new StreamValue();
        long ms = 1 + r.nextInt(1000);
        for (int i = 0; i < 300; i++) {
            ms += r.nextInt(3);
            byte[][] fv = r.nextInt(4) == 0
                    ? new byte[][]{b("other"), b(Integer.toString(r.nextInt()))}
                    : new byte[][]{b("a"), b("v" + i), b("n"), b(Long.toString(r.nextLong()))};
            s.append(new StreamId(ms, i), fv, 4096, 50);
        }
        List<StreamId> ids = new ArrayList<>();
        s.range(StreamId.MIN, StreamId.MAX, false, (id, fv) -> ids.add(id));
        for (int i = 0; i < 40; i++) {
            s.delete(ids.get(r.nextInt(ids.size())));
        }
        ConsumerGroup g = s.createGroup(b("g"), ids.get(100), 101);
        Consumer c = g.createConsumer(b("c"), 1234);
        c.activeTime = 5678;
        for (int i = 90; i < 100; i++) {
            PendingEntry p = new PendingEntry(c, 1000 + i, i);
            g.pending().put(ids.get(i), p);
            c.pending().put(ids.get(i), p);
        }
        return s;
    }

    private static String describe(StreamValue s, boolean withActiveTime) {
        StringBuilder out = new StringBuilder();
        out.append(s.length()).append(' ').append(s.lastId()).append(' ').append(s.firstId()).append(' ')
                .append(s.maxDeletedId()).append(' ').append(s.entriesAdded()).append(' ').append(s.nodeCount());
        for (StreamValue.Node n : s.nodes()) {
            out.append("\n").append(n.master()).append(" live=").append(n.live()).append(" del=").append(n.deletedCount());
            for (int i = 0; i < n.size(); i++) {
                out.append(' ').append(n.id(i)).append(n.isDeleted(i) ? "x" : "");
                for (byte[] e : n.item(i)) {
                    out.append(':').append(new String(e, StandardCharsets.UTF_8));
                }
            }
        }
        s.groups().forEach((name, g) -> {
            out.append("\ngroup ").append(new String(name, StandardCharsets.UTF_8)).append(' ').append(g.lastId)
                    .append(' ').append(g.entriesRead);
            g.pending().forEach((id, p) -> out.append(' ').append(id).append('/').append(p.deliveryTime).append('/')
                    .append(p.deliveryCount).append('/').append(new String(p.consumer.name(), StandardCharsets.UTF_8)));
            g.consumers().forEach((cn, c) -> out.append(" consumer ").append(c.seenTime)
                    .append(withActiveTime ? " " + c.activeTime : "").append(' ').append(c.pending().keySet()));
        });
        return out.toString();
    }

    private static StreamValue roundTrip(StreamValue s, int type) {
        RdbOutput out = new RdbOutput(64, true);
        RdbStreams.write(out, s, type);
        byte[] bytes = out.toByteArray();
        return RdbStreams.read(RdbInput.of(bytes, bytes.length), type);
    }

    @Test
    void type21KeepsEveryNodeEntryTombstoneAndGroup() {
        for (long seed = 0; seed < 20; seed++) {
            StreamValue s = sample(seed);
            assertThat(describe(roundTrip(s, RdbTypes.STREAM_LISTPACKS_3), true)).isEqualTo(describe(s, true));
        }
    }

    @Test
    void type19TakesTheSeenTimeAsActiveTime() {
        StreamValue s = sample(3);
        StreamValue back = roundTrip(s, RdbTypes.STREAM_LISTPACKS_2);
        assertThat(describe(back, false)).isEqualTo(describe(s, false));
        Consumer c = back.group(b("g")).consumer(b("c"));
        assertThat(c.activeTime).isEqualTo(c.seenTime).isEqualTo(1234);
    }

    /**
     * Type 15 (Redis 5 and 6) has no first ID, tombstone ID, entries-added or group read counters: they are
     * derived as Redis derives them. The body is built from a type 19 one by cutting those fields out.
     */
    @Test
    void type15DerivesTheCountersRedis7Added() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 10; i++) {
            s.append(new StreamId(i, 0), new byte[][]{b("f"), b("v" + i)}, 4096, 100);
        }
        RdbOutput nodes = new RdbOutput(64, false);
        RdbStreams.write(nodes, s, RdbTypes.STREAM_LISTPACKS_2); // no groups yet
        RdbOutput tail = new RdbOutput(64, false);
        for (long v : new long[]{10, 10, 0, 1, 0, 0, 0, 10, 0}) {
            tail.writeLength(v); // length, last, first, max deleted, added, no groups
        }
        byte[] all = nodes.toByteArray();
        RdbOutput old = new RdbOutput(64, false);
        old.writeBytes(all, 0, all.length - tail.size());
        old.writeLength(10);     // length
        old.writeLength(10);     // last ID
        old.writeLength(0);
        old.writeLength(1);      // one group
        old.writeString(b("g"));
        old.writeLength(1);      // last delivered 1-0: the first entry, so its read counter is known
        old.writeLength(0);
        old.writeLength(0);      // empty PEL
        old.writeLength(1);      // one consumer
        old.writeString(b("c"));
        old.writeMillis(777);
        old.writeLength(0);
        byte[] body = old.toByteArray();
        StreamValue back = RdbStreams.read(RdbInput.of(body, body.length), RdbTypes.STREAM_LISTPACKS);
        assertThat(back.length()).isEqualTo(10);
        assertThat(back.firstId()).isEqualTo(new StreamId(1, 0));
        assertThat(back.maxDeletedId()).isEqualTo(StreamId.MIN);
        assertThat(back.entriesAdded()).isEqualTo(10);
        assertThat(back.group(b("g")).entriesRead).isEqualTo(1);
        assertThat(back.group(b("g")).consumer(b("c")).activeTime).isEqualTo(777);
    }

    @Test
    void idsNear2To64AndEmptyStreamsSurvive() {
        StreamValue s = new StreamValue();
        s.append(new StreamId(1, -1L), new byte[][]{b("a"), b("1")}, 4096, 100);
        s.append(new StreamId(2, 0), new byte[][]{b("a"), b("2")}, 4096, 100);
        s.append(new StreamId(-1L, -2L), new byte[][]{b("a"), b("3")}, 4096, 100);
        assertThat(describe(roundTrip(s, RdbTypes.STREAM_LISTPACKS_3), true)).isEqualTo(describe(s, true));
        StreamValue empty = new StreamValue();
        empty.createGroup(b("g"), StreamId.MIN, ConsumerGroup.INVALID_ENTRIES_READ);
        StreamValue back = roundTrip(empty, RdbTypes.STREAM_LISTPACKS_3);
        assertThat(back.length()).isZero();
        assertThat(back.group(b("g")).entriesRead).isEqualTo(ConsumerGroup.INVALID_ENTRIES_READ);
    }

    @Test
    void aConsumerPendingEntryMissingFromTheGroupIsRefused() {
        StreamValue s = sample(1);
        ConsumerGroup g = s.group(b("g"));
        g.pending().remove(g.pending().firstKey()); // the consumer still lists it
        assertThatThrownBy(() -> roundTrip(s, RdbTypes.STREAM_LISTPACKS_3))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("not found in group global PEL");
    }

    @Test
    void aNodeWhoseCountsDisagreeWithItsEntriesIsRefused() {
        StreamValue s = new StreamValue();
        s.append(new StreamId(1, 0), new byte[][]{b("f"), b("v")}, 4096, 100);
        RdbOutput out = new RdbOutput(64, false);
        RdbStreams.write(out, s, RdbTypes.STREAM_LISTPACKS_3);
        byte[] bytes = out.toByteArray();
        // the listpack follows the 1-byte node count, the 1-byte key length and the 16-byte key, then its length
        int lp = 1 + 1 + 16 + 1;
        assertThat(bytes[lp + 6]).isEqualTo((byte) 1); // the master entry's live count
        byte[] bad = Arrays.copyOf(bytes, bytes.length);
        bad[lp + 6] = 2;
        assertThatThrownBy(() -> RdbStreams.read(RdbInput.of(bad, bad.length), RdbTypes.STREAM_LISTPACKS_3))
                .isInstanceOf(RdbFormatException.class);
    }
}
