package io.larder.node.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Tests of Larder alone (no oracle): a node started once per test class with {@link #serverOptions()} on a free
 * loopback port, stopped at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LarderTestBase {
    protected LarderServer larder;

    /** redis-server style options the node starts with ("--name", "value", ...). */
    protected String[] serverOptions() {
        return new String[0];
    }

    @BeforeAll
    void startLarder() throws Exception {
        larder = LarderServer.start(serverOptions());
    }

    @AfterAll
    void stopLarder() {
        if (larder != null) {
            larder.close();
        }
    }
}
