package io.larder.memcached.store;

/**
 * One cached item. The value array is never modified after the item is published, so a reply may be written
 * from it after the stripe lock is released; changes replace the array or the item.
 */
public final class Item {
    /** memcached's item header (three pointers, times, sizes, flags): the base of its per-item accounting. */
    static final int HEADER_BYTES = 48;

    final byte[] key;
    final int hash;
    byte[] value;
    int flags;
    /** Rel time of expiry, 0 = never. */
    int exptime;
    /** Rel time of the last access (memcached's it->time). */
    int time;
    long cas;
    boolean fetched;
    /** Meta protocol: marked stale by md I; a win token was handed out for it. */
    boolean stale;
    boolean tokenSent;
    /** The key arrived base64-encoded (meta b flag) and is echoed back encoded. */
    boolean keyBinary;
    Item hashNext;
    Item newer;
    Item older;

    Item(byte[] key, int hash, byte[] value, int flags, int exptime) {
        this.key = key;
        this.hash = hash;
        this.value = value;
        this.flags = flags;
        this.exptime = exptime;
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
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
        return fetched;
    }

    public boolean stale() {
        return stale;
    }

    public boolean tokenSent() {
        return tokenSent;
    }

    public boolean keyBinary() {
        return keyBinary;
    }

    public void exptime(int exptime) {
        this.exptime = exptime;
    }

    public void markStale() {
        stale = true;
        tokenSent = false;
    }

    public void markTokenSent() {
        tokenSent = true;
    }

    /** Bytes memcached accounts for this item (ITEM_ntotal): header, key + NUL, data + CRLF, CAS, flags. */
    public int totalSize(boolean useCas) {
        return (int) totalSize(key.length, value.length, flags, useCas);
    }

    static long totalSize(long keyLength, long valueLength, int flags, boolean useCas) {
        return HEADER_BYTES + keyLength + 1 + valueLength + 2 + (useCas ? 8 : 0) + (flags != 0 ? 4 : 0);
    }
}
