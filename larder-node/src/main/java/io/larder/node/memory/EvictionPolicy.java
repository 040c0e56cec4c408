package io.larder.node.memory;

import java.util.Locale;

/** The eight maxmemory-policy values: which keys may go, and by which measure the best candidate is chosen. */
public enum EvictionPolicy {
    NOEVICTION(false, Measure.NONE),
    ALLKEYS_LRU(false, Measure.IDLE),
    VOLATILE_LRU(true, Measure.IDLE),
    ALLKEYS_LFU(false, Measure.RARITY),
    VOLATILE_LFU(true, Measure.RARITY),
    ALLKEYS_RANDOM(false, Measure.RANDOM),
    VOLATILE_RANDOM(true, Measure.RANDOM),
    VOLATILE_TTL(true, Measure.TTL);

    /** What makes a key a better candidate: longer idle, lower access frequency, nearer expiry, or chance. */
    public enum Measure { NONE, IDLE, RARITY, TTL, RANDOM }

    private final boolean volatileOnly;
    private final Measure measure;

    EvictionPolicy(boolean volatileOnly, Measure measure) {
        this.volatileOnly = volatileOnly;
        this.measure = measure;
    }

    /** Only keys with a TTL may be evicted. */
    public boolean volatileOnly() {
        return volatileOnly;
    }

    public Measure measure() {
        return measure;
    }

    public boolean lfu() {
        return measure == Measure.RARITY;
    }

    /** From the configuration value ("allkeys-lru"). */
    public static EvictionPolicy of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
