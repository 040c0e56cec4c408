package io.larder.node.scripting;

import party.iroiro.luajava.JFunction;

import java.io.ByteArrayOutputStream;

/**
 * The C libraries Redis links into its Lua, written again in Java: {@code bit} (LuaBitOp: 32-bit operations on
 * numbers) and {@code struct} (Roberto Ierusalimschy's binary packing: pack, unpack, size). Installed as the
 * globals larder_bit and larder_struct, which the prelude turns into read-only {@code bit} and {@code struct}.
 */
final class LuaLibraries {
    private LuaLibraries() {
    }

    static void install(LuaState s) {
        s.newTable(0, 12);
        fn(s, "tobit", st -> ret(s, bit(s, 1)));
        fn(s, "bnot", st -> ret(s, ~bit(s, 1)));
        fn(s, "band", st -> fold(s, 0));
        fn(s, "bor", st -> fold(s, 1));
        fn(s, "bxor", st -> fold(s, 2));
        fn(s, "lshift", st -> ret(s, bit(s, 1) << (bit(s, 2) & 31)));
        fn(s, "rshift", st -> ret(s, bit(s, 1) >>> (bit(s, 2) & 31)));
        fn(s, "arshift", st -> ret(s, bit(s, 1) >> (bit(s, 2) & 31)));
        fn(s, "rol", st -> ret(s, Integer.rotateLeft(bit(s, 1), bit(s, 2) & 31)));
        fn(s, "ror", st -> ret(s, Integer.rotateRight(bit(s, 1), bit(s, 2) & 31)));
        fn(s, "bswap", st -> ret(s, Integer.reverseBytes(bit(s, 1))));
        fn(s, "tohex", st -> tohex(s));
        s.setField(LuaState.GLOBALS, "larder_bit");
        s.newTable(0, 3);
        fn(s, "pack", st -> Struct.pack(s));
        fn(s, "unpack", st -> Struct.unpack(s));
        fn(s, "size", st -> Struct.size(s));
        s.setField(LuaState.GLOBALS, "larder_struct");
    }

    /** A library function; its LuaError becomes a Lua error positioned at the caller, as luaL_error does. */
    private static void fn(LuaState s, String name, JFunction f) {
        s.pushFunction(l -> {
            try {
                return f.__call(l);
            } catch (LuaError e) {
                s.top(0);
                s.getField(LuaState.GLOBALS, "larder");
                s.getField(-1, "where");
                s.pcall(0, 1, 0);
                String where = s.string(-1);
                s.top(0);
                s.push(where + e.getMessage());
                return -1;
            }
        });
        s.setField(-2, name);
    }

    /** LuaBitOp's conversion: the number rounded to an integer, then its low 32 bits. */
    private static int bit(LuaState s, int index) {
        if (s.type(index) != LuaState.TNUMBER && s.type(index) != LuaState.TSTRING) {
            throw new LuaError("bad argument #" + index + " (number expected, got " + typeName(s, index) + ")");
        }
        double d = s.number(index);
        return (int) (long) Math.rint(d % 0x1p32);
    }

    private static String typeName(LuaState s, int index) {
        return switch (s.type(index)) {
            case LuaState.TNIL, -1 -> "no value";
            case LuaState.TBOOLEAN -> "boolean";
            case LuaState.TTABLE -> "table";
            case LuaState.TFUNCTION -> "function";
            default -> "userdata";
        };
    }

    private static int ret(LuaState s, int value) {
        s.top(0);
        s.push((double) value);
        return 1;
    }

    private static int fold(LuaState s, int op) {
        int acc = bit(s, 1);
        for (int i = 2; i <= s.top(); i++) {
            int v = bit(s, i);
            acc = op == 0 ? acc & v : op == 1 ? acc | v : acc ^ v;
        }
        return ret(s, acc);
    }

    private static int tohex(LuaState s) {
        int x = bit(s, 1);
        int n = s.top() >= 2 && s.type(2) != LuaState.TNIL ? bit(s, 2) : 8;
        boolean upper = n < 0;
        n = Math.min(Math.abs(n), 8);
        String hex = String.format(upper ? "%08X" : "%08x", x);
        s.top(0);
        s.push(hex.substring(8 - n));
        return 1;
    }

    /** An error to raise in Lua from a library function, positioned like luaL_error. */
    static final class LuaError extends RuntimeException {
        LuaError(String message) {
            super(message, null, false, false);
        }
    }

    /** The struct library's formats: endianness {@code < > = !}, b B h H i I l L T (with sizes), f d, s, c, x. */
    private static final class Struct {
        private Struct() {
        }

        static int pack(LuaState s) {
            String format = s.string(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean little = true;
            int arg = 2;
            for (int i = 0; i < format.length(); i++) {
                char o = format.charAt(i);
                int[] size = {0};
                i = readSize(format, i, size);
                switch (o) {
                    case '<', '=' -> little = true;
                    case '>' -> little = false;
                    case '!', ' ' -> {
                    }
                    case 'x' -> out.write(0);
                    case 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'T' -> {
                        long v = (long) s.number(arg++);
                        writeInt(out, v, intSize(o, size[0]), little);
                    }
                    case 'f' -> writeInt(out, Float.floatToIntBits((float) s.number(arg++)) & 0xffffffffL, 4, little);
                    case 'd' -> writeInt(out, Double.doubleToLongBits(s.number(arg++)), 8, little);
                    case 'c', 's' -> {
                        byte[] b = s.bytes(arg++);
                        int n = o == 'c' && size[0] > 0 ? size[0] : b.length;
                        if (b.length < n) {
                            throw new LuaError("bad argument #" + arg + " to 'pack' (string too short)"); // the C library reports one past the argument
                        }
                        out.write(b, 0, Math.min(n, b.length));
                        for (int k = b.length; k < n; k++) {
                            out.write(0);
                        }
                        if (o == 's') {
                            out.write(0);
                        }
                    }
                    default -> throw new LuaError("invalid format option '" + o + "'");
                }
            }
            s.top(0);
            s.pushBytes(out.toByteArray());
            return 1;
        }

        static int unpack(LuaState s) {
            String format = s.string(1);
            byte[] data = s.bytes(2);
            int pos = s.top() >= 3 ? (int) s.number(3) - 1 : 0;
            s.top(0);
            boolean little = true;
            int results = 0;
            long lastNumber = 0;
            for (int i = 0; i < format.length(); i++) {
                char o = format.charAt(i);
                int[] size = {0};
                i = readSize(format, i, size);
                switch (o) {
                    case '<', '=' -> little = true;
                    case '>' -> little = false;
                    case '!', ' ' -> {
                    }
                    case 'x' -> pos++;
                    case 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'T' -> {
                        int n = intSize(o, size[0]);
                        check(data, pos, n);
                        long v = readInt(data, pos, n, little);
                        if (Character.isLowerCase(o) && n < 8) {
                            v = v << (64 - 8 * n) >> (64 - 8 * n);
                        }
                        pos += n;
                        lastNumber = v;
                        s.push((double) v);
                        results++;
                    }
                    case 'f' -> {
                        check(data, pos, 4);
                        s.push((double) Float.intBitsToFloat((int) readInt(data, pos, 4, little)));
                        pos += 4;
                        results++;
                    }
                    case 'd' -> {
                        check(data, pos, 8);
                        s.push(Double.longBitsToDouble(readInt(data, pos, 8, little)));
                        pos += 8;
                        results++;
                    }
                    case 'c' -> {
                        int n = size[0];
                        if (n == 0) {
                            if (results == 0) {
                                throw new LuaError("format 'c0' needs a previous size");
                            }
                            n = (int) lastNumber;
                            s.pop(1);
                            results--;
                        }
                        check(data, pos, n);
                        byte[] b = new byte[n];
                        System.arraycopy(data, pos, b, 0, n);
                        s.pushBytes(b);
                        pos += n;
                        results++;
                    }
                    case 's' -> {
                        int end = pos;
                        while (end < data.length && data[end] != 0) {
                            end++;
                        }
                        check(data, end, 1);
                        byte[] b = new byte[end - pos];
                        System.arraycopy(data, pos, b, 0, b.length);
                        s.pushBytes(b);
                        pos = end + 1;
                        results++;
                    }
                    default -> throw new LuaError("invalid format option '" + o + "'");
                }
            }
            s.push((double) (pos + 1));
            return results + 1;
        }

        static int size(LuaState s) {
            String format = s.string(1);
            int total = 0;
            for (int i = 0; i < format.length(); i++) {
                char o = format.charAt(i);
                int[] size = {0};
                i = readSize(format, i, size);
                switch (o) {
                    case 'x' -> total++;
                    case 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'T' -> total += intSize(o, size[0]);
                    case 'f' -> total += 4;
                    case 'd' -> total += 8;
                    case 'c' -> total += size[0];
                    case 's' -> throw new LuaError("options 'c0' - 's' have undefined sizes");
                    default -> {
                    }
                }
            }
            s.top(0);
            s.push((double) total);
            return 1;
        }

        private static void check(byte[] data, int pos, int n) {
            if (pos + n > data.length || pos < 0) {
                throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
            }
        }

        private static int readSize(String format, int i, int[] size) {
            int j = i + 1;
            int n = 0;
            boolean any = false;
            while (j < format.length() && Character.isDigit(format.charAt(j))) {
                n = n * 10 + format.charAt(j) - '0';
                j++;
                any = true;
            }
            size[0] = any ? n : 0;
            return j - 1;
        }

        private static int intSize(char o, int given) {
            return switch (Character.toLowerCase(o)) {
                case 'b' -> 1;
                case 'h' -> 2;
                case 'l', 't' -> 8;
                default -> given > 0 ? given : 4;
            };
        }

        private static void writeInt(ByteArrayOutputStream out, long v, int n, boolean little) {
            for (int k = 0; k < n; k++) {
                int shift = 8 * (little ? k : n - 1 - k);
                out.write(shift < 64 ? (int) (v >>> shift) & 0xff : 0);
            }
        }

        private static long readInt(byte[] data, int pos, int n, boolean little) {
            long v = 0;
            for (int k = 0; k < n; k++) {
                int b = data[pos + (little ? n - 1 - k : k)] & 0xff;
                v = v << 8 | b;
            }
            return v;
        }
    }
}
