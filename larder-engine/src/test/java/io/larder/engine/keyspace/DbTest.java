package io.larder.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Lazy expiry and the bookkeeping around it, with a clock the test moves. Stripe locks are not needed here. */
class DbTest extends ManualClockKeyspaceBase {
    private final List<String> expired = new ArrayList<>();

    @Override
    protected KeyspaceListener listener() {
        return new KeyspaceListener() {
            @Override
            public void expired(Db d, byte[] key) {
                expired.add(d.index() + ":" + new String(key, StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void aKeyIsLiveUntilTheMillisecondBeforeItsExpiry() {
        db.put(b("k"), b("v"), now.get() + 100, false);
        now.addAndGet(99);
        assertThat(db.get(b("k"))).isEqualTo(b("v"));
        assertThat(db.expiry(b("k"))).isEqualTo(1_000_100);
        now.addAndGet(1);
        assertThat(db.size()).isEqualTo(1); // not yet removed: DBSIZE counts it, as Redis's does
        assertThat(db.get(b("k"))).isNull();
        assertThat(expired).containsExactly("0:k");
        assertThat(db.size()).isZero();
        assertThat(db.volatileSize()).isZero();
    }

    @Test
    void everyAccessorRemovesAnExpiredKey() {
        for (String name : List.of("get", "exists", "delete", "expiry", "expire", "put")) {
            db.put(b(name), b("v"), now.get() + 1, false);
        }
        now.addAndGet(1);
        assertThat(db.get(b("get"))).isNull();
        assertThat(db.exists(b("exists"))).isFalse();
        assertThat(db.delete(b("delete"))).isFalse();
        assertThat(db.expiry(b("expiry"))).isEqualTo(-1);
        assertThat(db.expire(b("expire"), now.get() + 1000)).isFalse();
        db.put(b("put"), b("new"), 0, true); // KEEPTTL must not keep the TTL of an expired key
        assertThat(db.expiry(b("put"))).isZero();
        assertThat(expired).containsExactlyInAnyOrder("0:get", "0:exists", "0:delete", "0:expiry", "0:expire", "0:put");
        assertThat(db.size()).isEqualTo(1);
        assertThat(db.volatileSize()).isZero();
    }

    @Test
    void volatileCountFollowsExpirySetsAndRemovals() {
        db.put(b("a"), b("1"), now.get() + 10, false);
        db.put(b("b"), b("1"));
        db.expire(b("b"), now.get() + 10);
        assertThat(db.volatileSize()).isEqualTo(2);
        db.expire(b("b"), 0);
        assertThat(db.volatileSize()).isEqualTo(1);
        db.put(b("a"), b("2"), 0, true);
        assertThat(db.volatileSize()).isEqualTo(1);
        db.put(b("a"), b("3"));
        assertThat(db.volatileSize()).isZero();
        db.put(b("c"), b("1"), now.get() + 10, false);
        int stripe = Keyspace.stripeOf(b("c"));
        assertThat(db.stripeHasVolatile(stripe)).isTrue();
        db.delete(b("c"));
        assertThat(db.stripeHasVolatile(stripe)).isFalse();
    }

    @Test
    void expireCellsRemovesOnlyExpiredKeysOfTheSlotWithinItsBudget() {
        // One slot (hash tag), 300 keys: a third expired, a third later, a third persistent.
        for (int i = 0; i < 300; i++) {
            long at = switch (i % 3) {
                case 0 -> now.get() + 5;
                case 1 -> now.get() + 500;
                default -> 0;
            };
            db.put(b("{t}" + i), b("v"), at, false);
        }
        now.addAndGet(10);
        int slot = HashSlot.of(b("{t}"));
        Db.ExpiryTally tally = new Db.ExpiryTally();
        int next = db.expireCells(slot, 0, 16, now.get(), tally);
        assertThat(next).isBetween(1, db.slot(slot).capacity() - 1);
        assertThat(tally.examined).isLessThanOrEqualTo(16);
        while (next >= 0) {
            next = db.expireCells(slot, next, 16, now.get(), tally);
        }
        assertThat(tally.expired).isEqualTo(100);
        assertThat(tally.examined).isGreaterThanOrEqualTo(200);
        assertThat(db.size()).isEqualTo(200);
        for (int i = 0; i < 300; i++) {
            assertThat(db.slot(slot).find(b("{t}" + i), keyspace.hash(b("{t}" + i))) >= 0).isEqualTo(i % 3 != 0);
        }
    }

    @Test
    void randomKeyNeverReturnsAnExpiredKeyAndCoversAllLiveOnes() {
        for (int i = 0; i < 50; i++) {
            db.put(b("live" + i), b("v"));
        }
        for (int i = 0; i < 5000; i++) {
            db.put(b("gone" + i), b("v"), now.get() + 1, false);
        }
        now.addAndGet(1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(new String(db.randomKey(), StandardCharsets.UTF_8));
        }
        assertThat(seen).allMatch(k -> k.startsWith("live")).hasSize(50);
        // The stale keys were removed on the way.
        assertThat(db.size()).isEqualTo(50);
    }

    @Test
    void randomKeyOfAnEmptyOrAllExpiredDatabaseIsNull() {
        assertThat(db.randomKey()).isNull();
        db.put(b("x"), b("v"), now.get() + 1, false);
        now.addAndGet(5);
        assertThat(db.randomKey()).isNull();
        assertThat(db.size()).isZero();
    }
}
