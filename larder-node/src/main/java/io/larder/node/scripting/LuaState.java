package io.larder.node.scripting;

import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.lua51.Lua51;
import party.iroiro.luajava.lua51.Lua51Natives;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One real Lua 5.1 interpreter (the C library Redis embeds, through luajava's JNI binding), driven through its
 * raw C API: luajava's object layer costs microseconds per call, the raw functions a few hundred nanoseconds.
 * <p>
 * JNI hands strings across as modified UTF-8, which cannot carry arbitrary bytes. Reading uses a direct
 * buffer over Lua's own bytes; pushing a string that is not plain 7-bit text loads a tiny precompiled chunk
 * whose constants are the strings (a Lua 5.1 binary chunk stores constants with explicit lengths).
 * Not thread-safe: one thread at a time.
 */
final class LuaState implements AutoCloseable {
    static final int REGISTRY = -10000;
    static final int GLOBALS = -10002;
    static final int TNIL = 0;
    static final int TBOOLEAN = 1;
    static final int TNUMBER = 3;
    static final int TSTRING = 4;
    static final int TTABLE = 5;
    static final int TFUNCTION = 6;
    /** Strings per precompiled chunk: stays under Lua's 250-register frame limit. */
    private static final int CHUNK_STRINGS = 200;
    private static final byte[] CHUNK_HEADER = {0x1B, 'L', 'u', 'a', 0x51, 0, 1, 4, 8, 4, 8, 0};

    private final Lua51 lua;
    final Lua51Natives c;
    final long l;
    private ByteBuffer chunk = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[][] one = new byte[1][];

    LuaState() {
        lua = new Lua51();
        c = (Lua51Natives) lua.getLuaNatives();
        l = lua.getPointer();
        lua.openLibraries(); // the prelude removes what scripts may not reach
    }

    /** Makes a Java function a global (the prelude picks it up). */
    void global(String name, JFunction f) {
        lua.push(f);
        c.lua_setfield(l, GLOBALS, name);
    }

    void pushFunction(JFunction f) {
        lua.push(f);
    }

    /** Runs Lua source as a chunk with the given name, raising on errors (used for Larder's own code). */
    void run(String source, String chunkName) {
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        if (load(bytes, chunkName) != 0 || c.lua_pcall(l, 0, 0, 0) != 0) {
            String message = c.lua_tostring(l, -1);
            c.lua_settop(l, 0);
            throw new IllegalStateException("Lua: " + message);
        }
    }

    /** Compiles a chunk onto the stack (0) or leaves the error message there (non-zero). */
    int load(byte[] source, String chunkName) {
        ByteBuffer b = room(source.length);
        b.put(source);
        return c.luaJ_loadbuffer(l, b, source.length, chunkName);
    }

    int top() { return c.lua_gettop(l); }

    void top(int index) { c.lua_settop(l, index); }

    void pop(int n) { c.lua_settop(l, -n - 1); }

    int type(int index) { return c.lua_type(l, index); }

    /** The bytes of the string (or number, as Lua prints it) at {@code index}. */
    byte[] bytes(int index) {
        ByteBuffer b = (ByteBuffer) c.luaJ_todirectbuffer(l, index);
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    String string(int index) {
        byte[] b = bytes(index);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    double number(int index) { return c.lua_tonumber(l, index); }

    boolean bool(int index) { return c.lua_toboolean(l, index) != 0; }

    void pushNil() { c.lua_pushnil(l); }

    void push(boolean b) { c.lua_pushboolean(l, b ? 1 : 0); }

    void push(double d) { c.lua_pushnumber(l, d); }

    void push(long n) { c.lua_pushinteger(l, n); }

    /** Pushes a Java string as Lua text (UTF-8 bytes). */
    void push(String s) { pushBytes(s.getBytes(StandardCharsets.UTF_8)); }

    void pushBytes(byte[] s) {
        if (plain(s)) {
            c.lua_pushstring(l, new String(s, StandardCharsets.ISO_8859_1));
        } else {
            one[0] = s;
            pushChunkStrings(one, 0, 1);
        }
    }

    /** Text JNI carries unchanged: bytes 1..127 (modified UTF-8 of those chars is the bytes themselves). */
    private static boolean plain(byte[] s) {
        for (byte b : s) {
            if (b <= 0) {
                return false;
            }
        }
        return true;
    }

    /** Pushes strings[from, from + n) by running a precompiled chunk that returns them as constants. */
    private void pushChunkStrings(byte[][] strings, int from, int n) {
        long size = CHUNK_HEADER.length + 8 + 4 * 2 + 4 + 4 + 4L * (n + 1) + 4 + 4 * 4;
        for (int i = from; i < from + n; i++) {
            size += 1 + 8 + strings[i].length + 1;
        }
        ByteBuffer b = room((int) size);
        b.put(CHUNK_HEADER);
        b.putLong(0); // no source name
        b.putInt(0).putInt(0); // line defined, last line defined
        b.put((byte) 0).put((byte) 0).put((byte) 2).put((byte) Math.max(2, n)); // upvalues, params, vararg, stack
        b.putInt(n + 1);
        for (int i = 0; i < n; i++) {
            b.putInt(1 | i << 6 | i << 14); // LOADK Ri, Ki
        }
        b.putInt(30 | (n + 1) << 23); // RETURN R0 .. R(n-1)
        b.putInt(n);
        for (int i = from; i < from + n; i++) {
            byte[] s = strings[i];
            b.put((byte) TSTRING).putLong(s.length + 1L).put(s).put((byte) 0);
        }
        b.putInt(0); // nested functions
        b.putInt(0).putInt(0).putInt(0); // debug info: lines, locals, upvalue names
        int length = b.position();
        if (c.luaJ_loadbuffer(l, b, length, "=larder") != 0 || c.lua_pcall(l, 0, n, 0) != 0) {
            throw new IllegalStateException("Lua rejected a string chunk: " + c.lua_tostring(l, -1));
        }
    }

    private ByteBuffer room(int size) {
        if (chunk.capacity() < size) {
            chunk = ByteBuffer.allocateDirect(Math.max(size, chunk.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        chunk.clear();
        return chunk;
    }

    /** Pushes a new array table of the given strings. */
    void pushArray(byte[][] items) {
        c.lua_createtable(l, items.length, 0);
        for (int i = 0; i < items.length; i++) {
            pushBytes(items[i]);
            c.lua_rawseti(l, -2, i + 1);
        }
    }

    void newTable(int arraySize, int hashSize) { c.lua_createtable(l, arraySize, hashSize); }

    /** t[key] = top of stack (popped), for the table at {@code index} (negative indexes count before the value). */
    void setField(int index, String key) { c.lua_setfield(l, index, key); }

    void rawSetIndex(int index, int i) { c.lua_rawseti(l, index, i); }

    void rawSet(int index) { c.lua_rawset(l, index); }

    void rawGetIndex(int index, int i) { c.lua_rawgeti(l, index, i); }

    /** Pushes t[key] without metamethods, for a table at {@code index}. */
    void rawGetField(int index, String key) {
        c.lua_pushstring(l, key);
        c.lua_rawget(l, index < 0 && index > REGISTRY ? index - 1 : index);
    }

    void getField(int index, String key) { c.lua_getfield(l, index, key); }

    void pushValue(int index) { c.lua_pushvalue(l, index); }

    void insert(int index) { c.lua_insert(l, index); }

    boolean next(int index) { return c.lua_next(l, index) != 0; }

    int pcall(int args, int results, int handler) { return c.lua_pcall(l, args, results, handler); }

    int ref() { return c.luaL_ref(l, REGISTRY); }

    void pushRef(int ref) { c.lua_rawgeti(l, REGISTRY, ref); }

    void unref(int ref) { c.luaL_unref(l, REGISTRY, ref); }

    boolean checkStack(int extra) { return c.lua_checkstack(l, extra) != 0; }

    /** Bytes the interpreter has allocated (LUA_GCCOUNT in KiB plus LUA_GCCOUNTB). */
    long memory() { return c.lua_gc(l, 3, 0) * 1024L + c.lua_gc(l, 4, 0); }

    @Override
    public void close() {
        lua.close();
    }
}
