package io.larder.node.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/** An {@link OracleTestBase} with one raw RESP connection to each server, open for the whole test class. */
public abstract class RawOracleTestBase extends OracleTestBase {
    protected RawClient oracle;
    protected RawClient ours;

    @BeforeAll
    void connectRaw() throws IOException {
        oracle = new RawClient(redis.port());
        ours = new RawClient(larder.port());
    }

    @AfterAll
    void disconnectRaw() throws IOException {
        if (ours != null) {
            ours.close();
        }
        if (oracle != null) {
            oracle.close();
        }
    }
}
