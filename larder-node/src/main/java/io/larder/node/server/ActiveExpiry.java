package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;

/**
 * The active expire cycle, run by the cron at {@code hz}: deletes expired keys that nobody touches.
 * <p>
 * Like Redis's cycle it works in samples of {@value #SAMPLE_KEYS} keys with a TTL and keeps sampling while more
 * than {@value #STALE_PERCENT}% of a sample had expired, so it works harder when many keys expire and costs
 * little when few do; the cron's time budget bounds a tick either way. Instead of picking random keys it walks
 * the keyspace in order from where the previous sample stopped (database, slot in stripe-major order, cell),
 * so every key is looked at within a bounded number of ticks. Stripes without keys with a TTL are skipped, and
 * a stripe's lock is held for at most {@value #CELLS_PER_LOCK} cells at a time so that commands on it wait
 * little.
 */
final class ActiveExpiry {
    static final int SAMPLE_KEYS = 20;
    /** Samples per tick even when few keys expire, like Redis's 16 databases of one loop each. */
    static final int MIN_SAMPLES = 16;
    static final int STALE_PERCENT = 10;
    static final int CELLS_PER_LOCK = 32;
    /** Bounds a sample in a big table whose keys mostly have no TTL. */
    static final int CELLS_PER_SAMPLE = 1024;

    private final Keyspace keyspace;
    private int dbCursor;
    private int position;
    private int cell;

    ActiveExpiry(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** What one tick did. */
    record Tick(long examined, long expired) {
    }

    /** One tick: samples until few keys of the last sample had expired, or until {@code deadlineNanos}. */
    Tick run(long deadlineNanos) {
        long examined = 0;
        long expired = 0;
        for (int samples = 1; ; samples++) {
            Db.ExpiryTally sample = sample();
            examined += sample.examined;
            expired += sample.expired;
            if (sample.examined == 0) {
                break; // nothing with a TTL within reach: a whole turn, or a long run of persistent keys
            }
            boolean fewStale = sample.expired * 100L <= (long) sample.examined * STALE_PERCENT;
            if (samples >= MIN_SAMPLES && fewStale || System.nanoTime() - deadlineNanos > 0) {
                break;
            }
        }
        return new Tick(examined, expired);
    }

    /**
     * Walks on until {@value #SAMPLE_KEYS} keys with a TTL were examined, {@value #CELLS_PER_SAMPLE} cells were
     * visited, or every slot was passed once.
     */
    private Db.ExpiryTally sample() {
        Db.ExpiryTally tally = new Db.ExpiryTally();
        long positions = (long) keyspace.databaseCount() * HashSlot.COUNT;
        long passed = 0;
        int cells = 0;
        while (tally.examined < SAMPLE_KEYS && passed <= positions && cells < CELLS_PER_SAMPLE) {
            Db db = keyspace.db(dbCursor);
            int stripe = position / Keyspace.SLOTS_PER_STRIPE;
            if (cell == 0 && !db.stripeHasVolatile(stripe)) {
                int next = (stripe + 1) * Keyspace.SLOTS_PER_STRIPE;
                passed += next - position;
                advanceTo(next);
                continue;
            }
            int slot = Keyspace.slotAtPosition(position);
            int next;
            cells += CELLS_PER_LOCK;
            keyspace.lockStripe(stripe);
            try {
                next = db.expireCells(slot, cell, CELLS_PER_LOCK, keyspace.clock().millis(), tally);
            } finally {
                keyspace.unlockStripe(stripe);
            }
            if (next < 0) {
                passed++;
                advanceTo(position + 1);
            } else {
                cell = next;
            }
        }
        return tally;
    }

    private void advanceTo(int nextPosition) {
        cell = 0;
        position = nextPosition;
        if (position == HashSlot.COUNT) {
            position = 0;
            dbCursor = (dbCursor + 1) % keyspace.databaseCount();
        }
    }
}
