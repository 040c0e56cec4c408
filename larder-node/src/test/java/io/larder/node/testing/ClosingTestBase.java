package io.larder.node.testing;

import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/**
 * A test that starts servers and connections and has them closed after each test, newest first (a connection
 * before the server it talks to, a replica before its primary).
 */
public abstract class ClosingTestBase {
    private final List<AutoCloseable> started = new ArrayList<>();

    /** Closes what was tracked; a subclass that must clean up after the servers stopped calls it first. */
    @AfterEach
    protected void closeStarted() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }

    /** Closes {@code resource} after the test. */
    protected <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    /** {@code resource} is closed by the test itself (it was stopped on purpose). */
    protected void untrack(AutoCloseable resource) {
        started.remove(resource);
    }
}
