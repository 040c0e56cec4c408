package io.larder.engine.rdb;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an RDB file of version 1 to 11 and hands every key to a {@link Sink}. Aux fields are reported,
 * RESIZEDB hints passed on, function libraries (FUNCTION2) handed to the sink. Empty collections are skipped
 * as Redis skips them. Any inconsistency, a truncated file or a wrong checksum is an
 * {@link RdbFormatException}.
 */
public final class RdbReader {
    private static final byte[] MAGIC = "REDIS".getBytes(StandardCharsets.US_ASCII);

    /** Receives what the file holds. */
    public interface Sink {
        /** A key of database {@code db}; {@code expireAt} is unix ms or 0, {@code idleSeconds} -1 when absent. */
        void key(int db, byte[] key, Object value, long expireAt, long idleSeconds);

        default void aux(String name, byte[] value) {
        }

        default void resize(int db, long keys, long expires) {
        }

        /** A function library (FUNCTION2 opcode): Larder has no functions, so the loader only reports it. */
        default void function(byte[] code) {
        }

        /** Bytes of the file read so far, reported every {@link #PROGRESS_KEYS} keys. */
        default void progress(long bytes) {
        }
    }

    /** What a load found, for the log and INFO; {@code bytes} is the file's length up to its checksum's end. */
    public record Summary(int version, long keys, long emptyKeysSkipped, boolean checksumVerified, long bytes) {
    }

    /** How often (in keys) {@link Sink#progress} is called. */
    public static final int PROGRESS_KEYS = 1024;

    private RdbReader() {
    }

    public static Summary read(InputStream stream, RdbValues.Limits limits, int databases, boolean checkCrc,
                               Sink sink) {
        RdbInput in = new RdbInput(stream);
        byte[] header = in.readBytes(9);
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                throw new RdbFormatException("Wrong signature trying to load DB from file");
            }
        }
        int version;
        try {
            version = Integer.parseInt(new String(header, 5, 4, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RdbFormatException("Wrong signature trying to load DB from file");
        }
        if (version < 1 || version > RdbTypes.VERSION) {
            throw new RdbFormatException("Can't handle RDB format version " + version);
        }
        int db = 0;
        long expireAt = 0;
        long idle = -1;
        long keys = 0;
        long empty = 0;
        while (true) {
            int type = in.readByte();
            switch (type) {
                case RdbTypes.OPCODE_EXPIRETIME -> {
                    expireAt = in.readLittleEndian(4) * 1000;
                    continue;
                }
                case RdbTypes.OPCODE_EXPIRETIME_MS -> {
                    expireAt = in.readLittleEndian(8);
                    continue;
                }
                case RdbTypes.OPCODE_IDLE -> {
                    idle = in.readLength();
                    continue;
                }
                case RdbTypes.OPCODE_FREQ -> {
                    in.readByte(); // LFU counters are not kept
                    continue;
                }
                case RdbTypes.OPCODE_SELECTDB -> {
                    long index = in.readLength();
                    if (index >= databases) {
                        throw new RdbFormatException("FATAL: Data file was created with a Redis server configured "
                                + "to handle more than " + databases + " databases. Exiting");
                    }
                    db = (int) index;
                    continue;
                }
                case RdbTypes.OPCODE_RESIZEDB -> {
                    long size = in.readLength();
                    long expires = in.readLength();
                    sink.resize(db, size, expires);
                    continue;
                }
                case RdbTypes.OPCODE_AUX -> {
                    String name = new String(in.readString(), StandardCharsets.ISO_8859_1);
                    sink.aux(name, in.readString());
                    continue;
                }
                case RdbTypes.OPCODE_FUNCTION2 -> {
                    sink.function(in.readString());
                    continue;
                }
                case RdbTypes.OPCODE_MODULE_AUX, RdbTypes.OPCODE_FUNCTION_PRE_GA ->
                        throw new RdbFormatException("Module data and pre-GA functions are not supported");
                case RdbTypes.OPCODE_EOF -> {
                    boolean verified = false;
                    if (version >= 5) {
                        long computed = in.crc();
                        long stored = in.readLittleEndian(8);
                        if (checkCrc && stored != 0) {
                            if (stored != computed) {
                                throw new RdbFormatException("Wrong RDB checksum");
                            }
                            verified = true;
                        }
                    }
                    return new Summary(version, keys, empty, verified, in.position());
                }
                default -> {
                    if (!RdbTypes.isValueType(type)) {
                        throw new RdbFormatException("Unknown RDB encoding type " + type);
                    }
                }
            }
            byte[] key = in.readString();
            Object value = RdbValues.read(in, type, limits);
            if (value == null) {
                empty++;
            } else {
                sink.key(db, key, value, expireAt, idle);
                if (++keys % PROGRESS_KEYS == 0) {
                    sink.progress(in.position());
                }
            }
            expireAt = 0;
            idle = -1;
        }
    }
}
