package io.larder.node.replication;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * min-replicas-to-write becoming unmet between queuing a transaction and its EXEC (another connection changes
 * it): EXEC of queued writes (or of a script whose flags write) is refused in Redis's EXECABORT form and
 * nothing runs; EXEC of reads still runs. Needs two connections, so it is not a differential script.
 */
class NoReplicasTest extends OracleTestBase {
    @Test
    void execRefusedWhenTheRuleBecameUnmetAfterQueuing() throws IOException {
        List<String> expected = run(redis.port());
        List<String> actual = run(larder.port());
        assertThat(actual).isEqualTo(expected);
        assertThat(expected).contains(
                "-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n");
    }

    /** ACL denial texts are Redis 7.2's (not the 7.0 oracle's), so this one is checked against Larder alone. */
    @Test
    void execDeniedByAclIsAbortedTheSameWay() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("ACL", "SETUSER", "noexec", "on", "nopass", "+@all", "~*", "-exec"))
                    .isEqualTo("+OK\r\n");
            assertThat(c.callText("AUTH", "noexec", "x")).isEqualTo("+OK\r\n");
            assertThat(c.callText("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.callText("SET", "acl", "v")).isEqualTo("+QUEUED\r\n");
            assertThat(c.callText("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of: NOPERM User noexec "
                    + "has no permissions to run the 'exec' command\r\n");
            assertThat(c.callText("AUTH", "default", "x")).isEqualTo("+OK\r\n");
            assertThat(c.callText("EXEC")).as("discarded").isEqualTo("-ERR EXEC without MULTI\r\n");
            assertThat(c.callText("EXISTS", "acl")).isEqualTo(":0\r\n");
            assertThat(c.callText("ACL", "DELUSER", "noexec")).isEqualTo(":1\r\n");
            assertThat(c.callText("ACL", "LOG", "RESET")).isEqualTo("+OK\r\n");
        }
    }

    private static List<String> run(int port) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawClient c = new RawClient(port); RawClient admin = new RawClient(port)) {
            c.call("FLUSHALL");
            replies.add(text(c.call("SET", "xx", "1")));
            // a queued write
            replies.add(text(c.call("MULTI")));
            replies.add(text(c.call("INCR", "xx")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "1")));
            replies.add(text(c.call("EXEC")));
            replies.add(text(c.call("EXEC"))); // the transaction is gone
            replies.add(text(c.call("GET", "xx")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "0")));
            // a queued script whose shebang does not say no-writes
            replies.add(text(c.call("MULTI")));
            replies.add(text(c.call("EVAL", "#!lua\nreturn redis.call('incr', KEYS[1])", "1", "xx")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "1")));
            replies.add(text(c.call("EXEC")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "0")));
            // reads only (a no-writes script among them): EXEC runs
            replies.add(text(c.call("MULTI")));
            replies.add(text(c.call("GET", "xx")));
            replies.add(text(c.call("EVAL", "#!lua flags=no-writes\nreturn 7", "0")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "1")));
            replies.add(text(c.call("EXEC")));
            // a watched transaction refused the same way forgets its watches too
            replies.add(text(c.call("WATCH", "xx")));
            replies.add(text(c.call("MULTI")));
            replies.add(text(c.call("SET", "xx", "2")));
            replies.add(text(c.call("DISCARD")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "0")));
            replies.add(text(c.call("MULTI")));
            replies.add(text(c.call("SET", "xx", "3")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "1")));
            replies.add(text(c.call("EXEC")));
            replies.add(text(admin.call("CONFIG", "SET", "min-replicas-to-write", "0")));
            replies.add(text(c.call("GET", "xx")));
        }
        return replies;
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }
}
