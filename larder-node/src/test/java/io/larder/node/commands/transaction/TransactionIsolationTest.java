package io.larder.node.commands.transaction;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EXEC is isolated while both event loops serve: two writers run MULTI / INCR a / INCR b / EXEC, readers on
 * other connections (so on both event loops) read a and b together, and must never see one incremented
 * without the other. The keys lie on different stripes, so only EXEC holding both stripes across its
 * commands keeps them equal.
 */
class TransactionIsolationTest extends LarderTestBase {
    private static final int TRANSACTIONS_PER_WRITER = 3000;
    private static final int PIPELINE = 50;
    @Test
    void nobodySeesAHalfAppliedTransaction() throws Exception {
        assertThat(Keyspace.stripeOf(bytes("a"))).isNotEqualTo(Keyspace.stripeOf(bytes("b")));
        try (RawClient setup = new RawClient(larder.port())) {
            setup.call("FLUSHALL");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                writers.add(pool.submit(() -> {
                    write();
                    return null;
                }));
            }
            Future<Integer> plainReader = pool.submit(() -> read(writing, false));
            Future<Integer> multiReader = pool.submit(() -> read(writing, true));
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertThat(plainReader.get(60, TimeUnit.SECONDS)).isPositive();
            assertThat(multiReader.get(60, TimeUnit.SECONDS)).isPositive();
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        try (RawClient check = new RawClient(larder.port())) {
            long total = 2L * TRANSACTIONS_PER_WRITER;
            assertThat(values(check.call("MGET", "a", "b"))).containsExactly(total, total);
        }
    }

    private void write() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            for (int done = 0; done < TRANSACTIONS_PER_WRITER; done += PIPELINE) {
                for (int i = 0; i < PIPELINE; i++) {
                    c.send(bytes("MULTI"));
                    c.send(bytes("INCR"), bytes("a"));
                    c.send(bytes("INCR"), bytes("b"));
                    c.send(bytes("EXEC"));
                }
                for (int i = 0; i < PIPELINE; i++) {
                    for (int r = 0; r < 3; r++) {
                        c.readReply();
                    }
                    assertThat(values(c.readReply())).hasSize(2);
                }
            }
        }
    }

    /** Reads a and b until the writers are done; returns the number of reads, each asserted consistent. */
    private int read(AtomicBoolean writing, boolean inTransaction) throws IOException {
        int reads = 0;
        try (RawClient c = new RawClient(larder.port())) {
            // bounded: the writers end, or this gives up after a fixed number of reads
            while ((writing.get() || reads == 0) && reads < 200_000) {
                List<Long> ab;
                if (inTransaction) {
                    c.send(bytes("MULTI"));
                    c.send(bytes("GET"), bytes("a"));
                    c.send(bytes("GET"), bytes("b"));
                    c.send(bytes("EXEC"));
                    c.readReply();
                    c.readReply();
                    c.readReply();
                    ab = values(c.readReply());
                } else {
                    ab = values(c.call("MGET", "a", "b"));
                }
                assertThat(ab.get(0)).as("a and b after %d reads", reads).isEqualTo(ab.get(1));
                reads++;
            }
        }
        return reads;
    }

    /** The integers of an array reply of bulk strings, a null counting as 0. */
    private static List<Long> values(byte[] reply) {
        String[] lines = new String(reply, StandardCharsets.UTF_8).split("\r\n");
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].equals("$-1")) {
                out.add(0L);
            } else if (lines[i].startsWith("$")) {
                out.add(Long.parseLong(lines[++i]));
            } else if (lines[i].startsWith(":")) {
                out.add(Long.parseLong(lines[i].substring(1)));
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
