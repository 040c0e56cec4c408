package io.larder.engine.rdb;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.Keyspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A point-in-time RDB image of a live keyspace, written without stopping it and without fork().
 * <p>
 * The writer walks the stripes in order, serializing each stripe (its slots in every database) under the
 * stripe's lock. While it runs, it is the keyspace's {@link Keyspace.StripeWatcher}: whoever takes a stripe's
 * lock first after the snapshot began, a command about to write or the writer itself, serializes that stripe
 * before anything else happens under the lock. So every stripe is captured as it was before the first command
 * that began after the snapshot point, which makes the image a consistent cut: commands are isolated by the
 * stripes they lock, and each is either wholly in the image or wholly out of it. Stripes captured ahead of the
 * writer wait as serialized bytes (compact, and only for stripes written to during the save) until it
 * reaches them; that is the whole extra memory of a background save.
 * <p>
 * The file is stripe-major: a SELECTDB opcode (with a RESIZEDB hint) precedes each run of one database's keys,
 * so a single-database keyspace has one, and Redis loads the file like its own.
 */
public final class RdbSnapshot implements Keyspace.StripeWatcher {
    private record Segment(int db, byte[] bytes, int keys) {
    }

    private final Keyspace keyspace;
    private final int version;
    private final boolean compress;
    private final boolean writeIdle;
    private final AtomicIntegerArray captured = new AtomicIntegerArray(Keyspace.STRIPES);
    private final AtomicReferenceArray<Segment[]> pending = new AtomicReferenceArray<>(Keyspace.STRIPES);
    private final AtomicLong bytesAhead = new AtomicLong();
    private final AtomicLong peakBytesAhead = new AtomicLong();
    private volatile RuntimeException failure;
    private boolean started;

    public RdbSnapshot(Keyspace keyspace, int version, boolean compress) {
        this(keyspace, version, compress, false);
    }

    /** With {@code writeIdle} each key carries its idle time (IDLE opcode), as Redis writes under an LRU policy. */
    public RdbSnapshot(Keyspace keyspace, int version, boolean compress, boolean writeIdle) {
        this.keyspace = keyspace;
        this.version = version;
        this.compress = compress;
        this.writeIdle = writeIdle;
    }

    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;

    /** Most bytes of stripes captured ahead of the writer at any one time (the copy-on-write figure). */
    public long peakBytesAhead() {
        return peakBytesAhead.get();
    }

    @Override
    public void locked(int stripe) {
        if (captured.get(stripe) != 0) {
            return; // written to the captured array only under the stripe's lock, so this read is exact
        }
        try {
            Segment[] segments = capture(stripe);
            long ahead = 0;
            for (Segment s : segments) {
                ahead += s.bytes.length;
            }
            peakBytesAhead.accumulateAndGet(bytesAhead.addAndGet(ahead), Math::max);
            pending.set(stripe, segments);
        } catch (RuntimeException | OutOfMemoryError e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            pending.set(stripe, new Segment[0]);
        }
        captured.set(stripe, 1);
    }

    private Segment[] capture(int stripe) {
        List<Segment> segments = new ArrayList<>(1);
        RdbOutput out = new RdbOutput(1024, compress);
        int[] keys = {0};
        int lruNow = keyspace.lruClock();
        for (int d = 0; d < keyspace.databaseCount(); d++) {
            Db db = keyspace.db(d);
            out.reset();
            keys[0] = 0;
            for (int k = 0; k < Keyspace.SLOTS_PER_STRIPE; k++) {
                Dict dict = db.slot(stripe + k * Keyspace.STRIPES);
                if (dict == null || dict.size() == 0) {
                    continue;
                }
                dict.forEach((t, i) -> {
                    long at = t.expiryAt(i);
                    if (at != 0) {
                        out.writeByte(RdbTypes.OPCODE_EXPIRETIME_MS);
                        out.writeMillis(at);
                    }
                    if (writeIdle) {
                        int accessed = t.accessAt(i);
                        out.writeByte(RdbTypes.OPCODE_IDLE);
                        out.writeLength(lruNow >= accessed ? lruNow - accessed : lruNow + (LRU_CLOCK_MAX - accessed));
                    }
                    RdbValues.write(out, t.keyAt(i), t.valueAt(i), version);
                    keys[0]++;
                    return true;
                });
            }
            if (out.size() > 0) {
                segments.add(new Segment(d, out.toByteArray(), keys[0]));
            }
        }
        return segments.toArray(new Segment[0]);
    }

    /**
     * Writes the whole image to {@code out} on the calling thread (which must not hold a stripe lock unless it
     * holds all of them) and returns the number of keys written. Only one snapshot runs at a time.
     */
    public long writeTo(OutputStream out, Map<String, byte[]> aux, boolean checksum) throws IOException {
        return writeTo(out, aux, List.of(), checksum);
    }

    /**
     * Takes the snapshot point now, without writing: the caller holds every stripe (so the point falls between
     * two commands) and then calls {@link #writeTo}. False when another snapshot is in progress.
     */
    public boolean begin() {
        if (started) {
            throw new IllegalStateException("snapshot already begun");
        }
        started = keyspace.stripeWatcher(this, null);
        return started;
    }

    /**
     * {@link #writeTo(OutputStream, Map, boolean)} with the function libraries' code, written as FUNCTION2
     * records after the aux fields, as Redis writes them.
     */
    public long writeTo(OutputStream out, Map<String, byte[]> aux, List<byte[]> libraries, boolean checksum)
            throws IOException {
        if (!started && !begin()) {
            throw new IllegalStateException("another snapshot is in progress");
        }
        try {
            RdbOutput head = new RdbOutput(256, false);
            head.writeBytes(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : aux.entrySet()) {
                head.writeByte(RdbTypes.OPCODE_AUX);
                head.writeString(e.getKey().getBytes(StandardCharsets.US_ASCII));
                head.writeString(e.getValue());
            }
            for (byte[] code : libraries) {
                head.writeByte(RdbTypes.OPCODE_FUNCTION2);
                head.writeString(code);
            }
            long crc = head.writeTo(out, 0);
            long keys = 0;
            int currentDb = -1;
            for (int s = 0; s < Keyspace.STRIPES; s++) {
                keyspace.lockStripe(s);
                try {
                    locked(s); // a no-op unless this thread held the lock already (SAVE inside EXEC)
                } finally {
                    keyspace.unlockStripe(s);
                }
                if (failure != null) {
                    throw failure;
                }
                Segment[] segments = pending.getAndSet(s, null);
                for (Segment seg : segments) {
                    if (seg.db != currentDb) {
                        currentDb = seg.db;
                        head.reset();
                        head.writeByte(RdbTypes.OPCODE_SELECTDB);
                        head.writeLength(currentDb);
                        Db db = keyspace.db(currentDb);
                        head.writeByte(RdbTypes.OPCODE_RESIZEDB);
                        head.writeLength(db.size()); // a hint, read without the locks
                        head.writeLength(db.volatileSize());
                        crc = head.writeTo(out, crc);
                    }
                    out.write(seg.bytes);
                    crc = Crc64.update(crc, seg.bytes, 0, seg.bytes.length);
                    bytesAhead.addAndGet(-seg.bytes.length);
                    keys += seg.keys;
                }
            }
            head.reset();
            head.writeByte(RdbTypes.OPCODE_EOF);
            crc = head.writeTo(out, crc);
            head.reset();
            head.writeLittleEndian(checksum ? crc : 0, 8);
            head.writeTo(out, crc);
            return keys;
        } finally {
            abandon();
        }
    }

    public boolean begun() {
        return started;
    }

    /** Ends a begun snapshot that will not be written (written ones end by themselves). */
    public void abandon() {
        keyspace.stripeWatcher(null, this);
    }
}
