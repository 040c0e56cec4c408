package io.larder.node.commands.stream;

import io.larder.node.testing.JedisOracleTestBase;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies that carry times (idle times, delivery and seen times) compared with redis-server after masking the
 * times, which are checked for plausibility instead; fields Redis 7.2 added (XINFO CONSUMERS inactive, XINFO
 * STREAM FULL active-time) are checked on Larder alone and dropped before the comparison.
 */
class StreamGroupsTest extends JedisOracleTestBase {
    private static final List<String> TIME_FIELDS = List.of("idle", "seen-time", "inactive", "active-time");
    private static final List<String> FIELDS_7_2 = List.of("inactive", "active-time");

    private static Object call(Jedis j, String command, String... args) {
        return j.sendCommand(Protocol.Command.valueOf(command), args);
    }

    /** The reply as text with every time replaced by "T" after checking it lies in [min, max]. */
    private static String masked(Object reply, long min, long max, boolean drop72) {
        return render(reply, min, max, drop72, false);
    }

    private static String render(Object o, long min, long max, boolean drop72, boolean isTime) {
        if (o instanceof Long n) {
            if (isTime && n != -1) {
                assertThat(n).isBetween(min, max);
                return "T";
            }
            return n.toString();
        }
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            boolean pendingEntry = isPendingEntry(list);
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                String field = item instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
                if (field != null && i % 2 == 0 && i + 1 < list.size() && TIME_FIELDS.contains(field)) {
                    if (!(drop72 && FIELDS_7_2.contains(field))) {
                        parts.add(field);
                        parts.add(render(list.get(i + 1), min, max, drop72, true));
                    }
                    i++;
                    continue;
                }
                parts.add(render(item, min, max, drop72, pendingEntry && i == list.size() - 2));
            }
            return parts.toString();
        }
        return String.valueOf(o);
    }

    /** [id, (consumer,) time, count]: a pending entry of XPENDING or XINFO STREAM FULL. */
    private static boolean isPendingEntry(List<?> list) {
        return (list.size() == 3 || list.size() == 4) && list.get(0) instanceof byte[] id
                && new String(id, StandardCharsets.UTF_8).matches("\\d+-\\d+")
                && list.get(list.size() - 1) instanceof Long && list.get(list.size() - 2) instanceof Long;
    }

    private void setUp(Jedis j) {
        for (int i = 1; i <= 5; i++) {
            call(j, "XADD", "s", i + "-0", "f", "v" + i);
        }
        call(j, "XGROUP", "CREATE", "s", "g", "0");
        call(j, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">");
        call(j, "XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">");
    }

    private void same(long min, long max, String command, String... args) {
        Object expected = call(oracle, command, args);
        Object actual = call(ours, command, args);
        assertThat(masked(actual, min, max, true)).as(command + " " + String.join(" ", args))
                .isEqualTo(masked(expected, min, max, false));
    }

    @Test
    void pendingEntriesAndTheirIdleTimes() {
        both(this::setUp);
        same(0, 2000, "XPENDING", "s", "g", "-", "+", "10");
        same(0, 2000, "XPENDING", "s", "g", "IDLE", "0", "-", "+", "10", "bob");
        same(0, 2000, "XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10");
        same(0, 2000, "XPENDING", "s", "g", "(1-0", "(5", "2", "alice");
        same(0, 2000, "XCLAIM", "s", "g", "carol", "0", "1-0", "2-0", "RETRYCOUNT", "7");
        same(0, 2000, "XCLAIM", "s", "g", "carol", "0", "3-0", "JUSTID");
        same(0, 2000, "XPENDING", "s", "g", "-", "+", "10");
        same(0, 2000, "XACK", "s", "g", "4-0");
        same(0, 2000, "XCLAIM", "s", "g", "dave", "0", "4-0", "9-0", "FORCE");
        same(0, 2000, "XPENDING", "s", "g", "-", "+", "10");
        same(0, 2000, "XCLAIM", "s", "g", "carol", "0", "5-0", "IDLE", "5000", "JUSTID");
        same(5000, 7000, "XPENDING", "s", "g", "5", "5", "10", "carol");
        long time = System.currentTimeMillis() - 60_000;
        same(0, 2000, "XCLAIM", "s", "g", "carol", "0", "5-0", "TIME", Long.toString(time), "JUSTID");
        same(60_000, 62_000, "XPENDING", "s", "g", "5", "5", "10", "carol");
        same(0, 2000, "XCLAIM", "s", "g", "carol", "0", "5-0", "TIME", "99999999999999", "JUSTID");
        same(0, 2000, "XPENDING", "s", "g", "-", "+", "10", "carol");
        same(0, 2000, "XCLAIM", "s", "g", "bob", "3600000", "5-0");
        same(0, 2000, "XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "2");
        same(0, 2000, "XPENDING", "s", "g");
    }

    @Test
    void streamFullInfoAndConsumers() {
        both(this::setUp);
        both(j -> call(j, "XDEL", "s", "2-0"));
        long now = System.currentTimeMillis();
        same(now - 5000, now + 5000, "XINFO", "STREAM", "s", "FULL");
        same(now - 5000, now + 5000, "XINFO", "STREAM", "s", "FULL", "COUNT", "1");
        same(now - 5000, now + 5000, "XINFO", "STREAM", "s", "FULL", "COUNT", "0");
        same(0, 2000, "XINFO", "CONSUMERS", "s", "g");
    }

    /**
     * Redis 7.2: "inactive" is -1 until a consumer reads or claims something, and XREADGROUP, XCLAIM and XAUTOCLAIM
     * create their consumer even when they get nothing (7.0 created it only with something to deliver).
     */
    @Test
    void consumerActivityOfRedis72() {
        setUp(ours);
        call(ours, "XGROUP", "CREATECONSUMER", "s", "g", "idle-one");
        call(ours, "XCLAIM", "s", "g", "claims-nothing", "3600000", "1-0");
        assertThat(call(ours, "XREADGROUP", "GROUP", "g", "looks", "STREAMS", "s", ">")).isNull();
        call(ours, "XAUTOCLAIM", "s", "g", "autoclaims-nothing", "3600000", "0");
        List<?> consumers = (List<?>) call(ours, "XINFO", "CONSUMERS", "s", "g");
        List<String> rendered = new ArrayList<>();
        for (Object c : consumers) {
            List<?> fields = (List<?>) c;
            assertThat(fields).hasSize(8);
            String name = new String((byte[]) fields.get(1), StandardCharsets.UTF_8);
            assertThat(new String((byte[]) fields.get(6), StandardCharsets.UTF_8)).isEqualTo("inactive");
            long inactive = (Long) fields.get(7);
            rendered.add(name + ":" + (inactive == -1 ? "never" : inactive < 2000 ? "recent" : "old"));
        }
        assertThat(rendered).containsExactly("alice:recent", "autoclaims-nothing:never", "bob:recent",
                "claims-nothing:never", "idle-one:never", "looks:never");
        List<?> full = (List<?>) call(ours, "XINFO", "STREAM", "s", "FULL");
        List<?> groups = (List<?>) full.get(full.indexOf(full.stream().filter(
                o -> o instanceof byte[] b && new String(b, StandardCharsets.UTF_8).equals("groups")).findFirst()
                .orElseThrow()) + 1);
        assertThat(masked(groups, System.currentTimeMillis() - 5000, System.currentTimeMillis(), false))
                .contains("[name, alice, seen-time, T, active-time, T, pel-count, 3,")
                .contains("[name, idle-one, seen-time, T, active-time, -1, pel-count, 0, pending, []]");
    }

    /** Redis 7.2 names the command in this error (7.0 said "XREAD" in capitals, without quotes). */
    @Test
    void unbalancedStreamsListOfRedis72() {
        assertThat(error(() -> call(ours, "XREAD", "STREAMS", "a", "b", "0")))
                .isEqualTo("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.");
        assertThat(error(() -> call(ours, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">")))
                .isEqualTo("ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be "
                        + "specified.");
    }

    private static String error(Runnable r) {
        try {
            r.run();
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }
}
