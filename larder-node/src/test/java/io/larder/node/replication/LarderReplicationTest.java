package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.charset.StandardCharsets;

import static io.larder.node.replication.ReplicaOfRedisTest.assertSameData;
import static io.larder.node.replication.ReplicaOfRedisTest.awaitCaughtUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Larder primaries and Larder replicas together, under the seeded mixed write load of {@link Workload}: two
 * replicas and a replica of a replica converge; a link cut for seconds continues from the backlog; a replica
 * that comes back after the backlog expired (restarted, or only cut) is resynchronised in full; a replica
 * promoted with REPLICAOF NO ONE keeps the other replica's history going with a partial resynchronisation (PSYNC2).
 */
class LarderReplicationTest extends ClosingTestBase {
    private static final String[] OPTIONS = {"--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"};

    private static final ProtocolCommand FAILOVER = () -> "FAILOVER".getBytes(StandardCharsets.US_ASCII);

    private LarderServer larder(String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of(OPTIONS));
        all.addAll(List.of(options));
        return track(LarderServer.start(all.toArray(new String[0])));
    }

    private LarderServer replicaOf(LarderServer primary, String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
        all.addAll(List.of(options));
        return larder(all.toArray(new String[0]));
    }

    private Jedis jedis(LarderServer server) {
        return track(new Jedis("127.0.0.1", server.port(), 30_000));
    }

    private static long stat(Jedis j, String field) {
        for (String line : j.info().split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new IllegalStateException("no " + field);
    }

    private static String text(Jedis j, String field) {
        for (String line : j.info("replication").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new IllegalStateException("no " + field);
    }

    @Test
    void twoReplicasAndAChainConvergeAndACutLinkContinuesFromTheBacklog() throws Exception {
        LarderServer primary = larder();
        Jedis p = jedis(primary);
        Workload.run(p, new Random(11), 1500); // goes over in the snapshot
        LarderServer one = replicaOf(primary);
        LarderServer two = replicaOf(primary, "--repl-diskless-load", "on-empty-db");
        Jedis r1 = jedis(one);
        Jedis r2 = jedis(two);
        Workload.run(p, new Random(12), 3000); // during and after the full synchronisations
        awaitCaughtUp(p, one);
        awaitCaughtUp(p, two);
        LarderServer chained = replicaOf(one);
        Jedis r3 = jedis(chained);
        Workload.run(p, new Random(13), 2000);
        assertSameData(p, one, r1);
        assertSameData(p, two, r2);
        assertSameData(p, chained, r3);
        assertThat(p.waitReplicas(2, 5000)).as("WAIT counts both direct replicas").isEqualTo(2);
        assertThat(text(p, "connected_slaves")).isEqualTo("2");
        assertThat(text(r1, "connected_slaves")).isEqualTo("1");
        assertThat(text(r3, "master_replid")).isEqualTo(text(p, "master_replid"));
        assertThat(stat(p, "sync_full")).isEqualTo(2);
        assertThat(stat(r1, "sync_full")).isEqualTo(1);

        // The second replica follows a dead address for a few seconds, then its primary again: it continues.
        r2.replicaof("127.0.0.1", RedisServerProcess.freePort());
        Workload.run(p, new Random(14), 1000);
        Thread.sleep(2000);
        assertThat(text(r2, "master_link_status")).isEqualTo("down");
        r2.replicaof("127.0.0.1", primary.port());
        Workload.run(p, new Random(15), 500);
        assertSameData(p, two, r2);
        assertThat(stat(p, "sync_partial_ok")).isEqualTo(1);

        // The first one's link is killed from its side: it continues too, and so does its own replica.
        r1.clientKill(new ClientKillParams().type(ClientType.MASTER));
        Workload.run(p, new Random(16), 1000);
        assertSameData(p, one, r1);
        assertSameData(p, chained, r3);
        assertThat(stat(p, "sync_partial_ok")).isEqualTo(2);
        assertThat(stat(p, "sync_full")).as("no full synchronisation after a cut").isEqualTo(2);
        assertThat(stat(r1, "sync_full")).as("the chained replica was not resynchronised").isEqualTo(1);
    }

    @Test
    void aReplicaOfAReplicaStartsInTheDatabaseTheForwardedStreamSelected() throws Exception {
        LarderServer primary = larder();
        Jedis p = jedis(primary);
        LarderServer one = replicaOf(primary);
        awaitCaughtUp(p, one);
        p.select(2);
        p.set("before", "1"); // the stream selects db 2, and selects nothing more while the primary writes there
        awaitCaughtUp(p, one);
        // The sub-replica's snapshot point falls in the middle of the forwarded stream, which goes on in db 2:
        // its RDB's repl-stream-db says so, as the next write carries no SELECT.
        LarderServer chained = replicaOf(one);
        Jedis r3 = jedis(chained);
        awaitCaughtUp(p, chained);
        p.set("after", "2");
        assertSameData(p, chained, r3);
        r3.select(2);
        assertThat(r3.get("after")).isEqualTo("2");
    }

    @Test
    void replicasBackAfterTheBacklogExpiredAreResynchronisedInFull() throws Exception {
        LarderServer primary = larder("--repl-backlog-ttl", "1");
        Jedis p = jedis(primary);
        Workload.run(p, new Random(21), 1000);
        LarderServer restarted = replicaOf(primary);
        LarderServer cut = replicaOf(primary);
        Jedis rc = jedis(cut);
        Workload.run(p, new Random(22), 1000);
        awaitCaughtUp(p, restarted);
        awaitCaughtUp(p, cut);
        String history = text(p, "master_replid");

        restarted.close();
        rc.replicaof("127.0.0.1", RedisServerProcess.freePort());
        long deadline = System.currentTimeMillis() + 15_000;
        while (!text(p, "repl_backlog_active").equals("0")) {
            assertThat(System.currentTimeMillis()).as("the backlog expires").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(text(p, "master_replid")).as("a new history after the backlog is gone").isNotEqualTo(history);
        Workload.run(p, new Random(23), 1000);
        // A new node asks to continue its own (empty) history, as Redis's do: that fails too.
        long refusedBefore = stat(p, "sync_partial_err");

        rc.replicaof("127.0.0.1", primary.port());
        LarderServer again = replicaOf(primary);
        Jedis ra = jedis(again);
        Workload.run(p, new Random(24), 1000);
        assertSameData(p, cut, rc);
        assertSameData(p, again, ra);
        assertThat(stat(p, "sync_full")).isEqualTo(4);
        assertThat(stat(p, "sync_partial_ok")).isZero();
        assertThat(stat(p, "sync_partial_err")).as("the cut replica asked to continue and could not")
                .isEqualTo(refusedBefore + 2);
    }

    @Test
    void aPromotedReplicaIsFollowedByTheOtherWithAPartialResynchronisation() throws Exception {
        LarderServer primary = larder();
        Jedis p = jedis(primary);
        Workload.run(p, new Random(31), 1500);
        LarderServer one = replicaOf(primary);
        LarderServer two = replicaOf(primary);
        Jedis r1 = jedis(one);
        Jedis r2 = jedis(two);
        Workload.run(p, new Random(32), 2000);
        assertSameData(p, one, r1);
        awaitCaughtUp(p, two);
        String oldHistory = text(p, "master_replid");
        long promotedAt = stat(p, "master_repl_offset");

        assertThat(r1.replicaofNoOne()).isEqualTo("OK");
        assertThat(text(r1, "role")).isEqualTo("master");
        assertThat(text(r1, "master_replid2")).isEqualTo(oldHistory);
        assertThat(stat(r1, "second_repl_offset")).isEqualTo(promotedAt + 1);
        r2.replicaof("127.0.0.1", one.port());
        Workload.run(r1, new Random(33), 2000); // the new primary's own writes
        assertSameData(r1, two, r2);
        assertThat(stat(r1, "sync_partial_ok")).as("PSYNC with the old id continued").isEqualTo(1);
        assertThat(stat(r1, "sync_full")).isZero();
        assertThat(text(r2, "master_replid")).isEqualTo(text(r1, "master_replid"));
        assertThat(r1.waitReplicas(1, 5000)).isEqualTo(1);
    }

    @Test
    void failoverHandsThePrimaryRoleToACaughtUpReplicaWithoutLosingAcknowledgedWrites() throws Exception {
        LarderServer primary = larder();
        Jedis p = jedis(primary);
        Workload.run(p, new Random(41), 1500);
        LarderServer one = replicaOf(primary);
        LarderServer two = replicaOf(primary);
        Jedis r1 = jedis(one);
        Jedis r2 = jedis(two);
        Workload.run(p, new Random(42), 1500);
        awaitCaughtUp(p, one);
        awaitCaughtUp(p, two);

        // A writer counts the increments the primary acknowledged until it is refused (READONLY after the handoff).
        AtomicLong acknowledged = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Jedis w = new Jedis("127.0.0.1", primary.port(), 30_000)) {
                while (true) {
                    w.incr("acked");
                    acknowledged.incrementAndGet();
                }
            } catch (JedisDataException e) {
                assertThat(e.getMessage()).startsWith("READONLY");
            }
        });
        writer.start();
        Thread.sleep(300);
        assertThat(p.sendCommand(FAILOVER, "TO", "127.0.0.1", Integer.toString(one.port()), "TIMEOUT", "10000"))
                .isEqualTo(bytes("OK"));
        writer.join(15_000);
        assertThat(writer.isAlive()).as("the writer was refused after the handoff").isFalse();
        assertThat(acknowledged.get()).isPositive();

        assertThat(text(r1, "role")).isEqualTo("master");
        assertThat(text(p, "role")).isEqualTo("slave");
        assertThat(text(p, "master_port")).isEqualTo(Integer.toString(one.port()));
        assertThat(text(p, "master_failover_state")).isEqualTo("no-failover");
        assertThat(r1.get("acked")).as("every acknowledged write is on the new primary")
                .isEqualTo(Long.toString(acknowledged.get()));
        assertThat(stat(r1, "sync_full")).as("the old primary continued its history").isZero();
        assertThat(stat(r1, "sync_partial_ok")).isEqualTo(1);

        Workload.run(r1, new Random(43), 1500);
        assertSameData(r1, primary, p);
        assertSameData(r1, two, r2); // through the old primary, now a replica itself
    }

    @Test
    void failoverWaitsForTheTargetsAcknowledgementThenTimesOutOrIsAborted() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync", "no");
        Jedis p = jedis(primary);
        p.set("k", "v");
        // A replica that takes the snapshot and never acknowledges anything.
        try (Socket silent = new Socket("127.0.0.1", primary.port())) {
            OutputStream out = silent.getOutputStream();
            out.write(RawClient.encode(new byte[][]{bytes("REPLCONF"), bytes("listening-port"), bytes("7")}));
            out.flush();
            assertThat(silent.getInputStream().readNBytes(5)).isEqualTo(bytes("+OK\r\n")); // PSYNC wants no pending reply
            out.write(RawClient.encode(new byte[][]{bytes("PSYNC"), bytes("?"), bytes("-1")}));
            out.flush();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!p.info("replication").contains("state=online")) {
                assertThat(System.currentTimeMillis()).as("the silent replica is online").isLessThan(deadline);
                Thread.sleep(20);
            }
            p.set("k", "v2"); // in the stream: the silent replica is behind
            long failoverAt = System.currentTimeMillis();
            assertThat(p.sendCommand(FAILOVER, "TO", "127.0.0.1", "7", "TIMEOUT", "500"))
                    .isEqualTo(bytes("OK"));
            assertThat(text(p, "master_failover_state")).isEqualTo("waiting-for-sync");
            assertThatThrownBy(() -> p.sendCommand(FAILOVER)).hasMessage("ERR FAILOVER already in progress.");
            // Writes wait, and go on once the target never caught up.
            try (Jedis w = new Jedis("127.0.0.1", primary.port(), 30_000)) {
                assertThat(w.set("during", "1")).isEqualTo("OK");
                assertThat(System.currentTimeMillis() - failoverAt).as("the write waited for the timeout")
                        .isGreaterThanOrEqualTo(500);
            }
            assertThat(text(p, "master_failover_state")).isEqualTo("no-failover");
            assertThat(text(p, "role")).isEqualTo("master");

            assertThat(p.sendCommand(FAILOVER)).isEqualTo(bytes("OK"));
            Thread writer = new Thread(() -> {
                try (Jedis w = new Jedis("127.0.0.1", primary.port(), 30_000)) {
                    w.set("aborted", "1");
                }
            });
            writer.start();
            Thread.sleep(300);
            assertThat(writer.isAlive()).as("the write waits while failing over").isTrue();
            assertThat(p.sendCommand(FAILOVER, "ABORT")).isEqualTo(bytes("OK"));
            writer.join(5000);
            assertThat(p.get("aborted")).isEqualTo("1");
            assertThatThrownBy(() -> p.sendCommand(FAILOVER, "ABORT")).hasMessage("ERR No failover in progress.");
            assertThatThrownBy(() -> p.sendCommand(FAILOVER, "TO", "127.0.0.1", "8"))
                    .hasMessage("ERR FAILOVER target HOST and PORT is not a replica.");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
