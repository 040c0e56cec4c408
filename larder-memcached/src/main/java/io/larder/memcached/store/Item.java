package io.larder.memcached.store;

import java.util.Arrays;

/**
 * One cached item: its key and value in one array (key first), the client flags, times, CAS and the links of
 * its hash chain and LRU list; 48 bytes of object with compact headers. The data array is never modified after
 * the item is published, so a reply may be written from it after the stripe lock is released; changes replace
 * the array or the item.
 */
public final class Item {
    /** memcached's item header (three pointers, times, sizes, flags): the base of its per-item accounting. */
    static final int HEADER_BYTES = 48;
    private static final byte FETCHED = 1;
    private static final byte STALE = 2;
    private static final byte TOKEN_SENT = 4;
    private static final byte KEY_BINARY = 8;

    byte[] data;
    int flags;
    /** Rel time of expiry, 0 = never. */
    int exptime;
    /** Rel time of the last access (memcached's it->time). */
    int time;
    long cas;
    /** Key length, 1..250, unsigned. */
    private final byte keyLength;
    private byte bits;
    Item hashNext;
    Item newer;
    Item older;

    Item(byte[] key, byte[] value, int flags, int exptime) {
        this.data = Arrays.copyOf(key, key.length + value.length);
        System.arraycopy(value, 0, data, key.length, value.length);
        this.keyLength = (byte) key.length;
        this.flags = flags;
        this.exptime = exptime;
    }

    public int keyLength() {
        return keyLength & 0xff;
    }

    /** The array holding the key, then the value from {@link #valueOffset()}. */
    public byte[] data() {
        return data;
    }

    public int valueOffset() {
        return keyLength & 0xff;
    }

    public int valueLength() {
        return data.length - (keyLength & 0xff);
    }

    /** A copy of the key. */
    public byte[] key() {
        return Arrays.copyOf(data, keyLength & 0xff);
    }

    /** A copy of the value. */
    public byte[] value() {
        return Arrays.copyOfRange(data, keyLength & 0xff, data.length);
    }

    boolean keyEquals(byte[] key) {
        return key.length == (keyLength & 0xff) && Arrays.equals(data, 0, key.length, key, 0, key.length);
    }

    /** Replaces the value, keeping the key. */
    void value(byte[] value) {
        byte[] d = Arrays.copyOf(data, (keyLength & 0xff) + value.length);
        System.arraycopy(value, 0, d, keyLength & 0xff, value.length);
        data = d;
    }

    public int flags() {
        return flags;
    }

    public int exptime() {
        return exptime;
    }

    public int time() {
        return time;
    }

    public long cas() {
        return cas;
    }

    public boolean fetched() {
        return (bits & FETCHED) != 0;
    }

    /** Meta protocol: marked stale by md I (or set stale by ms I). */
    public boolean stale() {
        return (bits & STALE) != 0;
    }

    /** Meta protocol: a win token was handed out for it. */
    public boolean tokenSent() {
        return (bits & TOKEN_SENT) != 0;
    }

    /** The key arrived base64-encoded (meta b flag) and is echoed back encoded. */
    public boolean keyBinary() {
        return (bits & KEY_BINARY) != 0;
    }

    private void bit(byte bit, boolean on) {
        bits = (byte) (on ? bits | bit : bits & ~bit);
    }

    void fetched(boolean on) {
        bit(FETCHED, on);
    }

    void stale(boolean on) {
        bit(STALE, on);
    }

    void tokenSent(boolean on) {
        bit(TOKEN_SENT, on);
    }

    void keyBinary(boolean on) {
        bit(KEY_BINARY, on);
    }

    public void exptime(int exptime) {
        this.exptime = exptime;
    }

    public void markStale() {
        stale(true);
        tokenSent(false);
    }

    public void markTokenSent() {
        tokenSent(true);
    }

    /** Bytes memcached accounts for this item (ITEM_ntotal): header, key + NUL, data + CRLF, CAS, flags. */
    public int totalSize(boolean useCas) {
        return (int) totalSize(keyLength & 0xff, valueLength(), flags, useCas);
    }

    static long totalSize(long keyLength, long valueLength, int flags, boolean useCas) {
        return HEADER_BYTES + keyLength + 1 + valueLength + 2 + (useCas ? 8 : 0) + (flags != 0 ? 4 : 0);
    }
}
