package io.larder.node.replication;

import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLIENT PAUSE on a replica pauses its primary's stream too, as Redis pauses the master client (checked against
 * redis-server 7.0: its master client shows flags=Mb and slave_repl_offset stays while slave_read_repl_offset
 * grows): with WRITE at the first write of the stream, with ALL at once. The link stays up meanwhile (the stream
 * is still read, ACKs still go out), and the held writes are applied when the pause ends.
 */
class ReplicaClientPauseTest extends ClosingTestBase {
    @Test
    void aPausedReplicaHoldsThePrimarysWritesUntilUnpaused() throws Exception {
        LarderServer primary = track(LarderServer.start("--repl-diskless-sync-delay", "0",
                "--repl-ping-replica-period", "1"));
        LarderServer replica = track(LarderServer.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()),
                "--repl-timeout", "2"));
        RawClient p = track(new RawClient(primary.port()));
        RawClient r = track(new RawClient(replica.port()));
        ReplicaLink link = replica.node().replicaLink();
        assertThat(p.callText("SET", "k", "1")).isEqualTo("+OK\r\n");
        assertThat(p.callText("WAIT", "1", "10000")).isEqualTo(":1\r\n");
        long syncs = primary.node().replication().syncFull();

        assertThat(r.callText("CLIENT", "PAUSE", "100000", "WRITE")).isEqualTo("+OK\r\n");
        assertThat(p.callText("SET", "k", "2")).isEqualTo("+OK\r\n");
        assertThat(p.callText("WAIT", "1", "300")).as("the replica does not apply it").isEqualTo(":0\r\n");
        assertThat(r.callText("GET", "k")).as("reads still go through").isEqualTo("$1\r\n1\r\n");
        Thread.sleep(3000); // past repl-timeout on both sides: the link lives on
        assertThat(link.state()).isEqualTo(ReplicaLink.State.CONNECTED);
        String info = r.callText("INFO", "replication");
        assertThat(offset(info, "slave_read_repl_offset")).isGreaterThan(offset(info, "slave_repl_offset"));
        assertThat(r.callText("GET", "k")).isEqualTo("$1\r\n1\r\n");

        assertThat(r.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        assertThat(p.callText("WAIT", "1", "10000")).isEqualTo(":1\r\n");
        assertThat(r.callText("GET", "k")).isEqualTo("$1\r\n2\r\n");

        // ALL holds the stream at once, its PINGs included; the pause's own end releases it.
        assertThat(r.callText("CLIENT", "PAUSE", "2000", "ALL")).isEqualTo("+OK\r\n");
        Thread.sleep(100); // a command that was already past the check when the pause began may still finish
        long before = link.appliedOffset();
        Thread.sleep(1200); // a PING of the primary arrives meanwhile
        assertThat(link.appliedOffset()).isEqualTo(before);
        assertThat(link.readOffset()).isGreaterThan(before);
        assertThat(p.callText("INCR", "n")).isEqualTo(":1\r\n");
        assertThat(p.callText("WAIT", "1", "10000")).isEqualTo(":1\r\n");
        assertThat(r.callText("GET", "n")).isEqualTo("$1\r\n1\r\n");
        assertThat(primary.node().replication().syncFull()).as("no resynchronisation").isEqualTo(syncs);
        assertThat(primary.node().replication().syncPartialOk()).isZero();
    }

    private static long offset(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new IllegalStateException("no " + field + " in " + info);
    }
}
