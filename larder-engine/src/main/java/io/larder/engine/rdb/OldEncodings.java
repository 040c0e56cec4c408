package io.larder.engine.rdb;

import java.util.function.Consumer;

/**
 * The compact blobs of older RDB versions, read only: ziplist (lists, hashes, sorted sets before Redis 7), zipmap
 * (hashes before Redis 2.6) and intset (sets of integers, still written).
 */
final class OldEncodings {
    private static final int ZIPLIST_HEADER = 10;
    private static final int ZIP_END = 0xFF;

    private OldEncodings() {
    }

    static int forEachZiplistEntry(byte[] zl, Consumer<byte[]> visitor) {
        try {
            if (zl.length < ZIPLIST_HEADER + 1 || le(zl, 0, 4) != zl.length || (zl[zl.length - 1] & 0xFF) != ZIP_END) {
                throw new RdbFormatException("Ziplist integrity check failed");
            }
            int p = ZIPLIST_HEADER;
            int n = 0;
            while ((zl[p] & 0xFF) != ZIP_END) {
                p += (zl[p] & 0xFF) < 254 ? 1 : 5; // previous entry length
                int b = zl[p] & 0xFF;
                byte[] element;
                switch (b >>> 6) {
                    case 0 -> {
                        int len = b & 0x3F;
                        element = Listpack.slice(zl, p + 1, len);
                        p += 1 + len;
                    }
                    case 1 -> {
                        int len = ((b & 0x3F) << 8) | (zl[p + 1] & 0xFF);
                        element = Listpack.slice(zl, p + 2, len);
                        p += 2 + len;
                    }
                    case 2 -> {
                        int len = (int) be(zl, p + 1, 4);
                        element = Listpack.slice(zl, p + 5, len);
                        p += 5 + len;
                    }
                    default -> {
                        switch (b) {
                            case 0xC0 -> {
                                element = Listpack.ascii((short) le(zl, p + 1, 2));
                                p += 3;
                            }
                            case 0xD0 -> {
                                element = Listpack.ascii((int) le(zl, p + 1, 4));
                                p += 5;
                            }
                            case 0xE0 -> {
                                element = Listpack.ascii(le(zl, p + 1, 8));
                                p += 9;
                            }
                            case 0xF0 -> {
                                element = Listpack.ascii((le(zl, p + 1, 3) << 40) >> 40);
                                p += 4;
                            }
                            case 0xFE -> {
                                element = Listpack.ascii(zl[p + 1]);
                                p += 2;
                            }
                            default -> {
                                int imm = b & 0x0F;
                                if ((b & 0xF0) != 0xF0 || imm < 1 || imm > 13) {
                                    throw new RdbFormatException("Ziplist: bad entry encoding");
                                }
                                element = Listpack.ascii(imm - 1);
                                p += 1;
                            }
                        }
                    }
                }
                if (p >= zl.length) {
                    throw new RdbFormatException("Ziplist integrity check failed");
                }
                visitor.accept(element);
                n++;
            }
            return n;
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RdbFormatException("Ziplist integrity check failed");
        }
    }

    /** Zipmap: a count byte, then (length, key, length, free byte, value, free bytes) pairs, then 0xFF. */
    static void forEachZipmapEntry(byte[] zm, Consumer<byte[]> visitor) {
        try {
            int p = 1;
            boolean isKey = true;
            while ((zm[p] & 0xFF) != ZIP_END) {
                int len = zm[p] & 0xFF;
                if (len < 254) {
                    p += 1;
                } else if (len == 254) {
                    len = (int) le(zm, p + 1, 4);
                    p += 5;
                } else {
                    throw new RdbFormatException("Zipmap: bad length");
                }
                int free = 0;
                if (!isKey) {
                    free = zm[p] & 0xFF;
                    p += 1;
                }
                visitor.accept(Listpack.slice(zm, p, len));
                p += len + free;
                isKey = !isKey;
            }
            if (!isKey) {
                throw new RdbFormatException("Zipmap: key without value");
            }
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RdbFormatException("Zipmap integrity check failed");
        }
    }

    /** Intset: element width (2, 4 or 8), count, then the sorted integers, all little-endian. */
    static long[] intsetValues(byte[] is) {
        if (is.length < 8) {
            throw new RdbFormatException("Intset integrity check failed");
        }
        int width = (int) le(is, 0, 4);
        long count = le(is, 4, 4);
        if ((width != 2 && width != 4 && width != 8) || 8 + count * width != is.length) {
            throw new RdbFormatException("Intset integrity check failed");
        }
        long[] values = new long[(int) count];
        for (int i = 0; i < count; i++) {
            long v = le(is, 8 + i * width, width);
            values[i] = width == 2 ? (short) v : width == 4 ? (int) v : v;
        }
        return values;
    }

    /** An intset of sorted distinct values, in the narrowest width that holds them all. */
    static byte[] intset(long[] sorted, int count) {
        int width = 2;
        for (int i = 0; i < count; i++) {
            long v = sorted[i];
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                width = 8;
                break;
            }
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                width = 4;
            }
        }
        RdbOutput out = new RdbOutput(8 + count * width, false);
        out.writeLittleEndian(width, 4);
        out.writeLittleEndian(count, 4);
        for (int i = 0; i < count; i++) {
            out.writeLittleEndian(sorted[i], width);
        }
        return out.toByteArray();
    }

    private static long le(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static long be(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
