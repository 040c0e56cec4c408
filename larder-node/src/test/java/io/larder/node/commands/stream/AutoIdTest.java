package io.larder.node.commands.stream;

import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** XADD's generated IDs: "*" takes the clock's milliseconds unless the stream's last ID is ahead of it. */
class AutoIdTest extends LarderTestBase {
    private RawClient c;

    @BeforeEach
    void connect() throws IOException {
        c = new RawClient(larder.port());
        c.call("FLUSHALL");
    }

    private long[] xadd(String id) throws IOException {
        String reply = c.callText("XADD", "s", id, "f", "v");
        assertThat(reply).startsWith("$");
        String[] parts = reply.split("\r\n")[1].split("-");
        return new long[] {Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1])};
    }

    @Test
    void starTakesTheCurrentMillisecondAndCountsWithinIt() throws IOException {
        long before = System.currentTimeMillis();
        long[] first = xadd("*");
        long after = System.currentTimeMillis();
        assertThat(first[0]).isBetween(before, after);
        assertThat(first[1]).isZero();
        long[] previous = first;
        for (int i = 0; i < 200; i++) {
            long[] next = xadd("*");
            assertThat(next[0]).isGreaterThanOrEqualTo(previous[0]);
            if (next[0] == previous[0]) {
                assertThat(next[1]).isEqualTo(previous[1] + 1);
            } else {
                assertThat(next[1]).isZero();
            }
            previous = next;
        }
        assertThat(c.callText("XLEN", "s")).isEqualTo(":201\r\n");
    }

    @Test
    void starFollowsALastIdAheadOfTheClock() throws IOException {
        long future = System.currentTimeMillis() + 3_600_000;
        xadd(future + "-7");
        assertThat(xadd("*")).containsExactly(future, 8);
        assertThat(xadd("*")).containsExactly(future, 9);
        assertThat(xadd(future + "-*")).containsExactly(future, 10);
        assertThat(xadd((future + 1) + "-*")).containsExactly(future + 1, 0);
    }

    @Test
    void starCarriesIntoTheNextMillisecondAtTheLargestSequence() throws IOException {
        long future = System.currentTimeMillis() + 3_600_000;
        xadd(future + "-18446744073709551615");
        assertThat(xadd("*")).containsExactly(future + 1, 0);
        assertThat(c.callText("XADD", "s", (future + 1) + "-18446744073709551615", "f", "v")).startsWith("$");
        assertThat(c.callText("XADD", "s", (future + 1) + "-*", "f", "v"))
                .isEqualTo("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n");
    }
}
