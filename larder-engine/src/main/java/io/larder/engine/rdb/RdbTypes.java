package io.larder.engine.rdb;

import io.larder.engine.util.Numbers;

/** RDB's type bytes, opcodes and string encodings, by Redis's numbering. */
public final class RdbTypes {
    /** The newest format read, and the one written by default (Redis 7.2). */
    public static final int VERSION = 11;
    /** Redis 7.0's format: the same as 11 except that sets have no listpack encoding. */
    public static final int VERSION_7_0 = 10;

    public static final int STRING = 0;
    public static final int LIST = 1;
    public static final int SET = 2;
    public static final int ZSET = 3;
    public static final int HASH = 4;
    public static final int ZSET_2 = 5;
    public static final int MODULE_PRE_GA = 6;
    public static final int MODULE_2 = 7;
    public static final int HASH_ZIPMAP = 9;
    public static final int LIST_ZIPLIST = 10;
    public static final int SET_INTSET = 11;
    public static final int ZSET_ZIPLIST = 12;
    public static final int HASH_ZIPLIST = 13;
    public static final int LIST_QUICKLIST = 14;
    public static final int STREAM_LISTPACKS = 15;
    public static final int HASH_LISTPACK = 16;
    public static final int ZSET_LISTPACK = 17;
    public static final int LIST_QUICKLIST_2 = 18;
    public static final int STREAM_LISTPACKS_2 = 19;
    public static final int SET_LISTPACK = 20;
    public static final int STREAM_LISTPACKS_3 = 21;

    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;
    static final int ENC_INT8 = 0xC0;
    static final int ENC_INT16 = 0xC1;
    static final int ENC_INT32 = 0xC2;
    static final int ENC_LZF = 0xC3;

    /** Quicklist 2 node containers. */
    static final int QUICKLIST_NODE_PLAIN = 1;
    static final int QUICKLIST_NODE_PACKED = 2;

    static final long NOT_A_LONG = Long.MIN_VALUE;

    private RdbTypes() {
    }

    /** True for type bytes that introduce a value (as opposed to opcodes). */
    public static boolean isValueType(int type) {
        return type >= STRING && type <= STREAM_LISTPACKS_3 && type != 8;
    }

    /** The integer a string spells by Redis's string2ll, or {@link #NOT_A_LONG} (which is also its own minimum). */
    static long parseCanonicalLong(byte[] s, int off, int len) {
        try {
            return Numbers.parseLong(s, off, off + len);
        } catch (Numbers.NotANumber e) {
            return NOT_A_LONG;
        }
    }
}
