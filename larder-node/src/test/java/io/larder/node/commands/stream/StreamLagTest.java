package io.larder.node.commands.stream;

import io.larder.node.testing.LarderTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream counters where Redis 7.2 differs from the 7.0 oracle. Consumer-group lag and entries-read as Redis 7.2.7
 * computes them: its fixes for tombstones after a group's
 * last ID and for trimming behind a group (redis#13338, #13473, #13958) change replies of the 7.0 oracle, so the
 * expected values are worked out from Redis's rules in each comment.
 */
class StreamLagTest extends LarderTestBase {
    private Jedis j;

    @BeforeAll
    void connect() {
        j = new Jedis("127.0.0.1", larder.port());
    }

    @AfterAll
    void disconnect() {
        j.close();
    }

    @BeforeEach
    void flush() {
        j.flushAll();
    }

    private Object call(String command, String... args) {
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        return j.sendCommand(name, args);
    }

    /** A field of a group in XINFO GROUPS: a Long, or null. */
    private Object group(String key, String name, String field) {
        for (Object g : (List<?>) call("XINFO", "GROUPS", key)) {
            List<?> fields = (List<?>) g;
            if (new String((byte[]) fields.get(1), StandardCharsets.UTF_8).equals(name)) {
                for (int i = 0; i < fields.size(); i += 2) {
                    if (new String((byte[]) fields.get(i), StandardCharsets.UTF_8).equals(field)) {
                        return fields.get(i + 1);
                    }
                }
            }
        }
        throw new AssertionError("no group " + name);
    }

    private void add(String key, String... ids) {
        for (String id : ids) {
            call("XADD", key, id, "f", "v");
        }
    }

    @Test
    void trimmingBehindAGroupLeavesTheRemainingEntriesAsItsLag() {
        add("x", "1-0", "2-0", "3-0", "4-0", "5-0");
        call("XGROUP", "CREATE", "x", "g", "0");
        call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x", ">");
        assertThat(group("x", "g", "entries-read")).isEqualTo(1L);
        call("XTRIM", "x", "MAXLEN", "1");
        // The group's last ID (1-0) and every tombstone (none) lie before the first entry: lag = length = 1.
        assertThat(group("x", "g", "lag")).isEqualTo(1L);
        call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x", ">");
        // Reading 5-0 from behind the first entry re-estimates the counter: 5-0 is the last ID, so 5 entries read.
        assertThat(group("x", "g", "entries-read")).isEqualTo(5L);
        assertThat(group("x", "g", "lag")).isEqualTo(0L);
    }

    @Test
    void tombstonesBeforeTheFirstEntryButAfterTheGroupDoNotHideTheLag() {
        call("XGROUP", "CREATE", "planets", "processing", "$", "MKSTREAM");
        add("planets", "0-1", "0-2");
        call("XREADGROUP", "GROUP", "processing", "alice", "STREAMS", "planets", ">");
        assertThat(group("planets", "processing", "entries-read")).isEqualTo(2L);
        add("planets", "0-3", "0-4");
        call("XDEL", "planets", "0-1", "0-2", "0-3");
        // Last ID 0-2 and the maximal tombstone 0-3 are both before the first entry 0-4: lag = length = 1.
        assertThat(group("planets", "processing", "lag")).isEqualTo(1L);
    }

    @Test
    void aTombstoneAheadOfTheGroupMakesTheCounterUnknownUntilTheLastEntry() {
        add("x", "1-0", "2-0", "3-0", "4-0", "5-0");
        call("XGROUP", "CREATE", "x", "g", "0");
        call("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "x", ">");
        call("XDEL", "x", "4-0");
        assertThat(group("x", "g", "entries-read")).isEqualTo(2L);
        assertThat(group("x", "g", "lag")).isNull(); // 2-0 lies before the tombstone 4-0
        call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x", ">");
        assertThat(group("x", "g", "entries-read")).isNull(); // 3-0 too: the counter cannot be estimated
        call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x", ">");
        assertThat(group("x", "g", "entries-read")).isEqualTo(5L); // 5-0 is the last ID: 5 entries added
        assertThat(group("x", "g", "lag")).isEqualTo(0L);
    }

    @Test
    void anEmptiedStreamHasNoLag() {
        add("x", "1-0", "2-0");
        call("XGROUP", "CREATE", "x", "g", "0", "ENTRIESREAD", "100");
        // Behind the first entry with no tombstones the counter does not matter: lag = length.
        assertThat(group("x", "g", "lag")).isEqualTo(2L);
        call("XGROUP", "CREATE", "x", "h", "$", "ENTRIESREAD", "100");
        assertThat(group("x", "h", "lag")).isEqualTo(-98L); // a counter set by hand is trusted otherwise
        call("XDEL", "x", "1-0", "2-0");
        assertThat(group("x", "g", "lag")).isEqualTo(0L);
        assertThat(group("x", "h", "lag")).isEqualTo(0L);
    }

    /** Redis 7.2 (redis#11444) refuses a last ID below the maximal deleted ID; 7.0 accepted it. */
    @Test
    void xsetidCannotGoBelowTheMaximalDeletedId() {
        add("x", "1-0", "2-0", "3-0");
        call("XDEL", "x", "3-0");
        assertThat(error(() -> call("XSETID", "x", "2-5")))
                .isEqualTo("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
        assertThat(error(() -> call("XSETID", "x", "2-5", "MAXDELETEDID", "2-6")))
                .isEqualTo("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        assertThat(call("XSETID", "x", "3-0")).isEqualTo("OK".getBytes(StandardCharsets.UTF_8));
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
