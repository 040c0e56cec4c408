package io.larder.node.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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

    /** Each argument as its UTF-8 bytes, for commands sent as raw byte arrays. */
    protected static byte[][] utf8(String... args) {
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return raw;
    }
}
