package io.larder.node.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/** A {@link LarderTestBase} with one raw RESP connection to the node, open for the whole test class. */
public abstract class LarderClientTestBase extends LarderTestBase {
    protected RawClient client;

    @BeforeAll
    void connectClient() throws IOException {
        client = new RawClient(larder.port());
    }

    @AfterAll
    void disconnectClient() throws IOException {
        if (client != null) {
            client.close();
        }
    }
}
