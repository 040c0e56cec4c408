package io.larder.node.testing;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Direct access to one key of a running node from a test, under the key's stripe lock like a command. */
public final class KeyspaceAccess {
    private KeyspaceAccess() {
    }

    public static <T> T withKey(LarderServer server, String key, Function<Db, T> action) {
        Keyspace keyspace = server.node().keyspace();
        int stripe = Keyspace.stripeOf(key.getBytes(StandardCharsets.UTF_8));
        keyspace.lockStripe(stripe);
        try {
            return action.apply(keyspace.db(0));
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }

    /** The stored value of {@code key} in database 0, or null. */
    public static Object value(LarderServer server, String key) {
        return withKey(server, key, db -> db.get(key.getBytes(StandardCharsets.UTF_8), false));
    }
}
