package io.larder.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The modification hooks: gated by interest, fired by lazy and active expiry, whole-database events. */
class KeyspaceSignalsTest extends ManualClockKeyspaceBase {
    private final List<String> events = new ArrayList<>();

    @Override
    protected KeyspaceListener listener() {
        return new KeyspaceListener() {
            @Override
            public void modified(Db d, byte[] key) {
                events.add("modified " + d.index() + ":" + new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void flushing(Db d) {
                events.add("flushing " + d.index() + " size " + d.size());
            }

            @Override
            public void swapping(Db d, Db replacedWith) {
                events.add("swapping " + d.index() + " with " + replacedWith.index());
            }
        };
    }

    @Test
    void signalsReachTheListenerOnlyWhileSomebodyIsInterested() {
        db.signalModified(b("k"));
        assertThat(keyspace.wantsModifications()).isFalse();
        assertThat(events).isEmpty();
        keyspace.modificationInterest(2);
        db.signalModified(b("k"));
        keyspace.modificationInterest(-1);
        keyspace.db(3).signalModified(b("j"));
        keyspace.modificationInterest(-1);
        db.signalModified(b("k"));
        assertThat(events).containsExactly("modified 0:k", "modified 3:j");
    }

    @Test
    void lazyAndActiveExpirySignalTheKey() {
        keyspace.modificationInterest(1);
        db.put(b("lazy"), b("v"), now.get() + 10, false);
        db.put(b("active"), b("v"), now.get() + 10, false);
        now.addAndGet(10);
        assertThat(db.storedExpired(b("lazy"))).isTrue();
        assertThat(events).isEmpty(); // looking without touching deletes nothing
        assertThat(db.get(b("lazy"))).isNull();
        assertThat(events).containsExactly("modified 0:lazy");
        assertThat(db.stored(b("lazy"))).isFalse();
        db.expireSlot(HashSlot.of(b("active")), now.get());
        assertThat(events).containsExactly("modified 0:lazy", "modified 0:active");
    }

    @Test
    void flushAndSwapAnnounceThemselvesBeforeChangingAnything() {
        db.put(b("k"), b("v"));
        keyspace.flush(0);
        keyspace.db(2).put(b("k"), b("v"));
        keyspace.swap(2, 5);
        keyspace.swap(4, 4);
        keyspace.flushAll();
        assertThat(events).startsWith("flushing 0 size 1", "swapping 2 with 5", "swapping 5 with 2",
                "flushing 0 size 0");
        assertThat(events).contains("flushing 5 size 1").hasSize(3 + 16);
    }
}
