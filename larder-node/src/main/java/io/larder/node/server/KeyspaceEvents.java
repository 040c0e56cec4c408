package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.KeyspaceListener;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.PubSub.Kind;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (notify-keyspace-events): a command that changes a key reports an event of a class,
 * and when the class is enabled the node publishes it on {@code __keyspace@<db>__:<key>} (message: the event)
 * and/or {@code __keyevent@<db>__:<event>} (message: the key), exactly as PUBLISH would. The class constants
 * are Redis's NOTIFY_* bits. Disabled classes cost one volatile read.
 * <p>
 * As a keyspace listener it also reports what no command reports itself: keys that expire (lazily or in the
 * active cycle: "expired") and keys created by any write ("new", Redis's dbAdd).
 */
public final class KeyspaceEvents implements KeyspaceListener {
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int NEW = 1 << 14;

    private final PubSub pubsub;
    private volatile int enabled;

    KeyspaceEvents(ServerConfig config, PubSub pubsub) {
        this.pubsub = pubsub;
        enabled = parse(config.notifyKeyspaceEvents.text());
        config.notifyKeyspaceEvents.onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) {
                enabled = parse(value);
            }
        });
    }

    @Override
    public void expired(Db db, byte[] key) {
        notify(EXPIRED, "expired", key, db.index());
    }

    @Override
    public void created(Db db, byte[] key) {
        notify(NEW, "new", key, db.index());
    }

    /** True when events of this class would be published (skip building costly arguments otherwise). */
    public boolean wants(int type) {
        int flags = enabled;
        return (flags & type) != 0 && (flags & (KEYSPACE | KEYEVENT)) != 0;
    }

    /** Reports that an event of the class happened to the key in database {@code db}; publishes when enabled. */
    public void notify(int type, String event, byte[] key, int db) {
        int flags = enabled;
        if ((flags & type) == 0) {
            return;
        }
        byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & KEYSPACE) != 0) {
            pubsub.publish(null, Kind.CHANNEL, concat("__keyspace@" + db + "__:", key), eventBytes);
        }
        if ((flags & KEYEVENT) != 0) {
            pubsub.publish(null, Kind.CHANNEL, concat("__keyevent@" + db + "__:", eventBytes), key);
        }
    }

    private static byte[] concat(String prefix, byte[] suffix) {
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + suffix.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(suffix, 0, out, head.length, suffix.length);
        return out;
    }

    /** The normalized config text ("AKE", "gxK", ...) as NOTIFY_* bits; 'A' is every class but m and n. */
    static int parse(String classes) {
        int flags = 0;
        for (int i = 0; i < classes.length(); i++) {
            flags |= switch (classes.charAt(i)) {
                case 'A' -> GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'n' -> NEW;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                default -> 0;
            };
        }
        return flags;
    }
}
