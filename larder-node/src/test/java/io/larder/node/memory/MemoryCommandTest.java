package io.larder.node.memory;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** MEMORY and INFO memory replies whose numbers cannot match Redis's byte for byte: their shape and sense. */
class MemoryCommandTest extends OracleTestBase {
    private static final Pattern BULK_NAME = Pattern.compile("\\$\\d+\\r\\n([a-z][a-z.0-9-]*)\\r\\n");

    private static long integer(String reply) {
        assertThat(reply).startsWith(":");
        return Long.parseLong(reply.substring(1).trim());
    }

    /** The names in a MEMORY STATS reply (RESP2: alternating names and values, db.N nested). */
    private static List<String> statNames(String reply) {
        List<String> names = new ArrayList<>();
        Matcher m = BULK_NAME.matcher(reply);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> infoNames(String info) {
        List<String> names = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("$")) {
                names.add(line.substring(0, colon));
            }
        }
        return names;
    }

    @Test
    void memoryStatsHasRedissFieldsInRedissOrder() throws Exception {
        try (RawClient r = new RawClient(redis.port()); RawClient l = new RawClient(larder.port())) {
            for (RawClient c : List.of(r, l)) {
                c.call("FLUSHALL");
                c.call("SET", "a", "1");
                c.call("SELECT", "2");
                c.call("SET", "b", "1");
                c.call("EXPIRE", "b", "100");
            }
            assertThat(statNames(l.callText("MEMORY", "STATS"))).isEqualTo(statNames(r.callText("MEMORY", "STATS")));
            for (RawClient c : List.of(r, l)) {
                c.call("FLUSHALL");
            }
        }
    }

    @Test
    void infoMemoryHasRedissFields() throws Exception {
        try (RawClient r = new RawClient(redis.port()); RawClient l = new RawClient(larder.port())) {
            List<String> larderNames = infoNames(l.callText("INFO", "memory"));
            assertThat(larderNames).containsAll(infoNames(r.callText("INFO", "memory")));
        }
    }

    @Test
    void usageGrowsWithTheValueAndStaysNearRedissEstimate() throws Exception {
        try (RawClient r = new RawClient(redis.port()); RawClient l = new RawClient(larder.port())) {
            for (RawClient c : List.of(r, l)) {
                c.call("FLUSHALL");
                c.call("SET", "s", "x".repeat(1000));
                for (int i = 0; i < 500; i++) {
                    c.call("HSET", "h", "field:" + i, "value:" + i);
                    c.call("RPUSH", "l", "element:" + i);
                }
            }
            for (String key : List.of("s", "h", "l")) {
                long ours = integer(l.callText("MEMORY", "USAGE", key, "SAMPLES", "0"));
                long theirs = integer(r.callText("MEMORY", "USAGE", key, "SAMPLES", "0"));
                assertThat((double) ours / theirs).as(key + ": larder " + ours + " redis " + theirs).isBetween(0.4, 2.5);
            }
            long before = integer(l.callText("MEMORY", "USAGE", "h"));
            l.call("HSET", "h", "long-field", "v".repeat(10_000));
            assertThat(integer(l.callText("MEMORY", "USAGE", "h", "SAMPLES", "0"))).isGreaterThan(before + 10_000);
            for (RawClient c : List.of(r, l)) {
                c.call("FLUSHALL");
            }
        }
    }

    @Test
    void usedMemoryFollowsWritesAndDeletes() throws Exception {
        try (RawClient l = new RawClient(larder.port())) {
            l.call("FLUSHALL");
            long empty = larder.node().memory().used();
            for (int i = 0; i < 100; i++) {
                l.call("SET", "k" + i, "v".repeat(10_000));
            }
            long loaded = larder.node().memory().used();
            assertThat(loaded - empty).isBetween(100L * 10_000, 100L * 11_000);
            l.call("APPEND", "k0", "w".repeat(100_000));
            assertThat(larder.node().memory().used() - loaded).isBetween(100_000L, 110_000L);
            l.call("FLUSHALL");
            assertThat(larder.node().memory().used() - empty).isLessThan(100_000L); // only emptied slot tables
            assertThat(larder.node().memory().peak()).isGreaterThanOrEqualTo(loaded);
        }
    }

    @Test
    void doctorAnswersLikeRedisForAnEmptyAndAHealthyInstance() throws Exception {
        try (RawClient l = new RawClient(larder.port())) {
            l.call("FLUSHALL");
            assertThat(l.callText("MEMORY", "DOCTOR")).isEqualTo("$268\r\nHi Sam, this instance is empty or is using "
                    + "very little memory, my issues detector can't be used in these conditions. Please, leave for "
                    + "your mission on Earth and fill it with some data. The new Sam and I will be back to our "
                    + "programming as soon as I finished rebooting.\n\r\n");
            for (int i = 0; i < 10; i++) {
                l.call("SET", "big" + i, "v".repeat(1_000_000));
            }
            assertThat(l.callText("MEMORY", "DOCTOR")).isEqualTo("$105\r\nHi Sam, I can't find any memory issue in "
                    + "your instance. I can only account for what occurs on this base.\n\r\n");
            l.call("FLUSHALL");
        }
    }

    @Test
    void mallocStatsSaysItIsUnsupported() throws Exception {
        try (RawClient l = new RawClient(larder.port())) {
            assertThat(l.callText("MEMORY", "MALLOC-STATS")).isEqualTo("$45\r\nStats not supported for the current allocator\r\n");
        }
    }
}
