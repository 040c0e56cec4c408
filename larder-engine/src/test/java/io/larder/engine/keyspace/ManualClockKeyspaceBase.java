package io.larder.engine.keyspace;

import org.junit.jupiter.api.BeforeEach;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** A fresh 16-database keyspace before every test, on a clock the test moves, with the test's listener. */
abstract class ManualClockKeyspaceBase {
    protected final AtomicLong now = new AtomicLong(1_000_000);
    protected Keyspace keyspace;
    protected Db db;

    /** The listener the keyspace of each test gets. */
    protected abstract KeyspaceListener listener();

    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void setUp() {
        keyspace = new Keyspace(16, now::get);
        keyspace.listener(listener());
        db = keyspace.db(0);
    }
}
