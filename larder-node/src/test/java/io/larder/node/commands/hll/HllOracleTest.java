package io.larder.node.commands.hll;

import io.larder.node.testing.RawOracleTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Big HyperLogLogs against the oracle: after the same PFADDs the stored strings must be the same bytes
 * (sparse, through promotion, dense) and PFCOUNT / PFMERGE must give the same answers.
 */
class HllOracleTest extends RawOracleTestBase {
    @BeforeEach
    void flush() throws IOException {
        same("FLUSHALL");
        same("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
    }

    @Test
    void hundredThousandSeededElementsInBatchesGiveTheSameBytesAndCounts() throws IOException {
        Random random = new Random(20261127);
        int added = 0;
        while (added < 100_000) {
            int batch = Math.min(100_000 - added, added < 3000 ? 1 + random.nextInt(20) : 500 + random.nextInt(2000));
            List<byte[]> args = new ArrayList<>();
            args.add(bytes("PFADD"));
            args.add(bytes("big"));
            for (int i = 0; i < batch; i++) {
                args.add(element(random));
            }
            same(args.toArray(new byte[0][]));
            added += batch;
            same("GET", "big");
            if (random.nextInt(4) == 0) {
                same("PFCOUNT", "big");
                same("GET", "big");
            }
        }
        assertThat(text("PFDEBUG", "ENCODING", "big")).contains("dense");
        same("PFCOUNT", "big");
        same("GET", "big");
    }

    @Test
    void sequentialElementsOneToHundredThousand() throws IOException {
        for (int from = 1; from <= 100_000; from += 1000) {
            List<byte[]> args = new ArrayList<>(List.of(bytes("PFADD"), bytes("seq")));
            for (int n = from; n < from + 1000; n++) {
                args.add(bytes(Integer.toString(n)));
            }
            same(args.toArray(new byte[0][]));
            same("PFCOUNT", "seq");
        }
        same("GET", "seq");
    }

    @Test
    void mergingSeveralSparseAndDenseKeys() throws IOException {
        Random random = new Random(7);
        int[] sizes = {10, 300, 2_000, 30_000, 60_000};
        for (int k = 0; k < sizes.length; k++) {
            for (int added = 0; added < sizes[k]; added += 1000) {
                List<byte[]> args = new ArrayList<>(List.of(bytes("PFADD"), bytes("k" + k)));
                for (int i = 0; i < Math.min(1000, sizes[k] - added); i++) {
                    args.add(element(random));
                }
                same(args.toArray(new byte[0][]));
            }
            same("GET", "k" + k);
        }
        same("PFCOUNT", "k0", "k1", "k2", "k3", "k4");
        same("PFCOUNT", "k0", "k1", "missing");
        same("PFMERGE", "sparse-union", "k0", "k1");
        same("GET", "sparse-union");
        same("PFMERGE", "union", "k0", "k1", "k2", "k3", "k4");
        same("GET", "union");
        same("PFCOUNT", "union");
        same("GET", "union");
        same("PFMERGE", "k0", "k2");
        same("GET", "k0");
        same("PFMERGE", "k1", "k4", "missing");
        same("GET", "k1");
        same("PFCOUNT", "k1");
    }

    @Test
    void smallSparseLimitsPromoteAtTheSamePoint() throws IOException {
        for (int limit : new int[] {0, 20, 100, 700}) {
            same("CONFIG", "SET", "hll-sparse-max-bytes", Integer.toString(limit));
            Random random = new Random(limit);
            String key = "limit" + limit;
            for (int i = 0; i < 300; i++) {
                same("PFADD", key, "e" + random.nextInt(5000));
                same("GET", key);
            }
        }
    }

    private static byte[] element(Random random) {
        byte[] e = new byte[random.nextInt(24)];
        random.nextBytes(e);
        return e;
    }

    private void same(String... args) throws IOException {
        same(utf8(args));
    }

    private void same(byte[]... args) throws IOException {
        byte[] want = oracle.call(args);
        byte[] got = ours.call(args);
        assertThat(got).as("%s %s", new String(args[0], StandardCharsets.UTF_8),
                args.length > 1 ? new String(args[1], StandardCharsets.UTF_8) : "").isEqualTo(want);
    }

    private String text(String... args) throws IOException {
        return new String(ours.call(args), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
