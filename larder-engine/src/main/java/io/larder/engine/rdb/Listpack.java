package io.larder.engine.rdb;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Redis's listpack, the blob RDB stores small hashes, sets, sorted sets and quicklist nodes as: a 6-byte header
 * (total bytes, element count), entries of encoding + data + a reversed variable-length back-length, and 0xFF.
 */
final class Listpack {
    private static final int HEADER = 6;
    private static final int END = 0xFF;
    private static final int UNKNOWN_COUNT = 0xFFFF;

    private Listpack() {
    }

    /** Builds one listpack: add entries, then {@link #finish}. */
    static final class Builder {
        private final RdbOutput out = new RdbOutput(64, false);
        private int count;

        Builder() {
            out.writeLittleEndian(0, HEADER);
        }

        Builder add(byte[] e) {
            long v = RdbTypes.parseCanonicalLong(e, 0, e.length);
            if (v != RdbTypes.NOT_A_LONG || (e.length == 20 && e[0] == '-' && isMinLong(e))) {
                addInteger(v);
            } else {
                addString(e);
            }
            count++;
            return this;
        }

        Builder add(long v) {
            addInteger(v);
            count++;
            return this;
        }

        private static boolean isMinLong(byte[] e) {
            return new String(e, StandardCharsets.US_ASCII).equals(Long.toString(Long.MIN_VALUE));
        }

        private void addInteger(long v) {
            int start = out.size();
            if (v >= 0 && v <= 127) {
                out.writeByte((int) v);
            } else if (v >= -4096 && v <= 4095) {
                long u = v & 0x1FFF;
                out.writeByte((int) (0xC0 | (u >>> 8)));
                out.writeByte((int) u);
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                out.writeByte(0xF1);
                out.writeLittleEndian(v, 2);
            } else if (v >= -(1 << 23) && v < (1 << 23)) {
                out.writeByte(0xF2);
                out.writeLittleEndian(v, 3);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.writeByte(0xF3);
                out.writeLittleEndian(v, 4);
            } else {
                out.writeByte(0xF4);
                out.writeLittleEndian(v, 8);
            }
            writeBackLength(out.size() - start);
        }

        private void addString(byte[] s) {
            int start = out.size();
            int len = s.length;
            if (len < 64) {
                out.writeByte(0x80 | len);
            } else if (len < 4096) {
                out.writeByte(0xE0 | (len >>> 8));
                out.writeByte(len & 0xFF);
            } else {
                out.writeByte(0xF0);
                out.writeLittleEndian(len, 4);
            }
            out.writeBytes(s);
            writeBackLength(out.size() - start);
        }

        /** The entry's length, 7 bits a byte, most significant group first, so it reads right to left. */
        private void writeBackLength(int len) {
            if (len < 128) {
                out.writeByte(len);
            } else if (len < 16384) {
                out.writeByte(len >>> 7);
                out.writeByte((len & 127) | 128);
            } else if (len < 2097152) {
                out.writeByte(len >>> 14);
                out.writeByte(((len >>> 7) & 127) | 128);
                out.writeByte((len & 127) | 128);
            } else if (len < 268435456) {
                out.writeByte(len >>> 21);
                out.writeByte(((len >>> 14) & 127) | 128);
                out.writeByte(((len >>> 7) & 127) | 128);
                out.writeByte((len & 127) | 128);
            } else {
                out.writeByte(len >>> 28);
                out.writeByte(((len >>> 21) & 127) | 128);
                out.writeByte(((len >>> 14) & 127) | 128);
                out.writeByte(((len >>> 7) & 127) | 128);
                out.writeByte((len & 127) | 128);
            }
        }

        byte[] finish() {
            out.writeByte(END);
            byte[] lp = out.toByteArray();
            put32(lp, 0, lp.length);
            int n = Math.min(count, UNKNOWN_COUNT);
            lp[4] = (byte) n;
            lp[5] = (byte) (n >>> 8);
            return lp;
        }
    }

    private static void put32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static long le(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** Receives a listpack's entries as they are encoded: a string entry as a range of the blob, or an integer. */
    interface EntryVisitor {
        void string(byte[] lp, int offset, int length);

        void integer(long value);
    }

    /** Visits each element (integers as their decimal strings); checks the header and every entry's bounds. */
    static int forEach(byte[] lp, Consumer<byte[]> visitor) {
        return forEachEntry(lp, new EntryVisitor() {
            @Override
            public void string(byte[] blob, int offset, int length) {
                visitor.accept(slice(blob, offset, length));
            }

            @Override
            public void integer(long value) {
                visitor.accept(ascii(value));
            }
        });
    }

    /**
     * Visits each entry without copying strings or printing integers; checks the header and every entry's bounds
     * (a string's range lies inside the blob when the visitor gets it). Returns the number of entries.
     */
    static int forEachEntry(byte[] lp, EntryVisitor visitor) {
        try {
            if (lp.length < HEADER + 1 || le(lp, 0, 4) != lp.length || (lp[lp.length - 1] & 0xFF) != END) {
                throw new RdbFormatException("Listpack integrity check failed");
            }
            int p = HEADER;
            int n = 0;
            while ((lp[p] & 0xFF) != END) {
                int b = lp[p] & 0xFF;
                int start = p;
                int stringAt = -1;
                int stringLength = 0;
                long integer = 0;
                if ((b & 0x80) == 0) {
                    integer = b;
                    p += 1;
                } else if ((b & 0xC0) == 0x80) {
                    stringLength = b & 0x3F;
                    stringAt = p + 1;
                    p += 1 + stringLength;
                } else if ((b & 0xE0) == 0xC0) {
                    long v = ((b & 0x1F) << 8) | (lp[p + 1] & 0xFF);
                    integer = (v << 51) >> 51;
                    p += 2;
                } else if ((b & 0xF0) == 0xE0) {
                    stringLength = ((b & 0x0F) << 8) | (lp[p + 1] & 0xFF);
                    stringAt = p + 2;
                    p += 2 + stringLength;
                } else {
                    switch (b) {
                        case 0xF0 -> {
                            stringLength = (int) le(lp, p + 1, 4);
                            stringAt = p + 5;
                            p += 5 + stringLength;
                        }
                        case 0xF1 -> {
                            integer = (short) le(lp, p + 1, 2);
                            p += 3;
                        }
                        case 0xF2 -> {
                            integer = (le(lp, p + 1, 3) << 40) >> 40;
                            p += 4;
                        }
                        case 0xF3 -> {
                            integer = (int) le(lp, p + 1, 4);
                            p += 5;
                        }
                        case 0xF4 -> {
                            integer = le(lp, p + 1, 8);
                            p += 9;
                        }
                        default -> throw new RdbFormatException("Listpack: bad entry encoding");
                    }
                }
                if (stringLength < 0 || p < start) {
                    throw new RdbFormatException("Entry out of range");
                }
                int entryLen = p - start;
                p += entryLen < 128 ? 1 : entryLen < 16384 ? 2 : entryLen < 2097152 ? 3 : entryLen < 268435456 ? 4 : 5;
                if (p >= lp.length) {
                    throw new RdbFormatException("Listpack integrity check failed");
                }
                if (stringAt >= 0) {
                    visitor.string(lp, stringAt, stringLength);
                } else {
                    visitor.integer(integer);
                }
                n++;
            }
            if (p != lp.length - 1) {
                throw new RdbFormatException("Listpack integrity check failed");
            }
            return n;
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RdbFormatException("Listpack integrity check failed");
        }
    }

    static byte[] slice(byte[] b, int from, int len) {
        if (len < 0 || from + len > b.length) {
            throw new RdbFormatException("Entry out of range");
        }
        return java.util.Arrays.copyOfRange(b, from, from + len);
    }

    static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
