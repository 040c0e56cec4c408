package io.larder.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Key creation reports ("new" notifications) and the composite listener that tells two listeners. */
class KeyspaceListenerTest extends ManualClockKeyspaceBase {
    private final List<String> events = new ArrayList<>();

    @Override
    protected KeyspaceListener listener() {
        return KeyspaceListener.both(recorder("first"), recorder("second"));
    }

    private KeyspaceListener recorder(String name) {
        return new KeyspaceListener() {
            @Override
            public void expired(Db d, byte[] key) {
                events.add(name + " expired " + d.index() + ":" + text(key));
            }

            @Override
            public void created(Db d, byte[] key) {
                events.add(name + " created " + d.index() + ":" + text(key));
            }

            @Override
            public void modified(Db d, byte[] key) {
                events.add(name + " modified " + d.index() + ":" + text(key));
            }

            @Override
            public void flushing(Db d) {
                events.add(name + " flushing " + d.index());
            }

            @Override
            public void swapping(Db d, Db replacedWith) {
                events.add(name + " swapping " + d.index() + " with " + replacedWith.index());
            }
        };
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Test
    void onlyAPutOfAnAbsentKeyIsACreation() {
        db.put(b("k"), b("v"));
        db.put(b("k"), b("w"));
        db.put(b("k"), b("x"), 0, true);
        keyspace.db(3).put(b("k"), b("v"));
        assertThat(events).containsExactly("first created 0:k", "second created 0:k",
                "first created 3:k", "second created 3:k");
    }

    @Test
    void aPutOverAnExpiredKeyReportsTheExpiryThenTheCreation() {
        db.put(b("k"), b("v"), now.get() + 10, false);
        events.clear();
        now.addAndGet(10);
        db.put(b("k"), b("w"));
        assertThat(events).containsExactly("first expired 0:k", "second expired 0:k",
                "first created 0:k", "second created 0:k");
    }

    @Test
    void everyKindOfChangeReachesBothListenersInOrder() {
        keyspace.modificationInterest(1);
        db.signalModified(b("k"));
        keyspace.flush(1);
        keyspace.swap(0, 2);
        assertThat(events).containsExactly("first modified 0:k", "second modified 0:k",
                "first flushing 1", "second flushing 1",
                "first swapping 0 with 2", "second swapping 0 with 2",
                "first swapping 2 with 0", "second swapping 2 with 0");
    }
}
