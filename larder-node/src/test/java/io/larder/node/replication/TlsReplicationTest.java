package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import io.larder.node.tls.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.larder.node.replication.ReplicaOfRedisTest.assertSameData;
import static io.larder.node.replication.ReplicaOfRedisTest.awaitCaughtUp;
import static io.larder.node.replication.ReplicaOfRedisTest.digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tls-replication: the replica's link to its primary runs TLS to the primary's tls-port, between Larder nodes and
 * with a real redis-server 7.0 on either side; a primary whose certificate the replica's CAs do not trust leaves
 * the link down until the CA is fixed. Certificates come from Larder's own CA code.
 */
class TlsReplicationTest extends ClosingTestBase {
    private static final String[] OPTIONS = {"--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"};

    @TempDir
    Path dir;
    private TestCertificates certs;
    @BeforeEach
    void makeCertificates() throws Exception {
        certs = new TestCertificates(dir);
    }

    /** A Larder node with a plain port, a TLS port and the test CA's node certificate; returns it. */
    private LarderServer larder(int tlsPort, String... extra) throws Exception {
        List<String> all = new ArrayList<>(List.of(OPTIONS));
        all.addAll(certs.nodeOptions(tlsPort));
        all.addAll(List.of(extra));
        return track(LarderServer.start(all.toArray(new String[0])));
    }

    private LarderServer tlsReplicaOf(int primaryTlsPort, String... extra) throws Exception {
        return tlsReplicaOf(primaryTlsPort, RedisServerProcess.freePort(), extra);
    }

    private LarderServer tlsReplicaOf(int primaryTlsPort, int ownTlsPort, String... extra) throws Exception {
        List<String> all = new ArrayList<>(List.of("--tls-replication", "yes", "--replicaof", "127.0.0.1",
                Integer.toString(primaryTlsPort)));
        all.addAll(List.of(extra));
        return larder(ownTlsPort, all.toArray(new String[0]));
    }

    private Jedis jedis(int port) {
        return track(new Jedis("127.0.0.1", port, 30_000));
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + info);
    }

    @Test
    void aLarderReplicaConvergesOverTlsAndResyncsPartiallyAfterItsLinkIsKilled() throws Exception {
        int primaryTls = RedisServerProcess.freePort();
        LarderServer primary = larder(primaryTls);
        Jedis p = jedis(primary.port());
        Workload.run(p, new Random(21), 800);
        int replicaTls = RedisServerProcess.freePort();
        LarderServer replica = tlsReplicaOf(primaryTls, replicaTls);
        Jedis r = jedis(replica.port());
        Workload.run(p, new Random(22), 1200);
        assertSameData(p, replica, r);
        assertThat(field(r.info("replication"), "master_link_status")).isEqualTo("up");
        // as Redis, a replica over TLS announces its tls-port: the one FAILOVER would connect to
        assertThat(field(p.info("replication"), "slave0")).startsWith("ip=127.0.0.1,port=" + replicaTls + ",state=online");

        assertThat(r.clientKill(new ClientKillParams().type(ClientType.MASTER))).isEqualTo(1);
        Workload.run(p, new Random(23), 600);
        assertSameData(p, replica, r);
        assertThat(field(p.info("stats"), "sync_full")).isEqualTo("1");
        assertThat(field(p.info("stats"), "sync_partial_ok")).isEqualTo("1");
    }

    @Test
    void aPrimaryCertificateFromAnUntrustedCaLeavesTheLinkDownUntilTheCaIsTrusted() throws Exception {
        int primaryTls = RedisServerProcess.freePort();
        LarderServer primary = larder(primaryTls);
        Jedis p = jedis(primary.port());
        p.set("k", "v");
        Path strangerDir = dir.resolve("stranger-ca");
        certs.strangerCa.save(strangerDir);
        LarderServer replica = tlsReplicaOf(primaryTls, "--tls-ca-cert-file", strangerDir.resolve("ca.crt").toString());
        Jedis r = jedis(replica.port());
        Thread.sleep(2500); // two tries of the link's once-a-second cron, both refused in the handshake
        String info = r.info("replication");
        assertThat(field(info, "master_link_status")).isEqualTo("down");
        assertThat(field(p.info("replication"), "connected_slaves")).isEqualTo("0");
        assertThat(r.get("k")).isNull();

        assertThat(r.configSet("tls-ca-cert-file", certs.path("ca.crt"))).isEqualTo("OK");
        awaitCaughtUp(p, replica);
        assertThat(r.get("k")).isEqualTo("v");
        assertThat(field(r.info("replication"), "master_link_status")).isEqualTo("up");
    }

    @Test
    void aRedisReplicaConvergesOverTlsFromALarderPrimary() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        int primaryTls = RedisServerProcess.freePort();
        LarderServer primary = larder(primaryTls);
        Jedis p = jedis(primary.port());
        Workload.run(p, new Random(31), 800);
        RedisServerProcess redis = RedisServerProcess.start("--enable-debug-command", "yes", "--tls-replication",
                "yes", "--tls-port", "0", "--tls-cert-file", certs.path("node.crt"), "--tls-key-file",
                certs.path("node.key"), "--tls-ca-cert-file", certs.path("ca.crt"), "--replicaof", "127.0.0.1",
                Integer.toString(primaryTls));
        track(redis);
        Jedis r = jedis(redis.port());
        Workload.run(p, new Random(32), 1200);
        awaitRedisConverged(p, r);
        assertThat(field(r.info("replication"), "master_link_status")).isEqualTo("up");
    }

    @Test
    void aLarderReplicaConvergesOverTlsFromARedisPrimary() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        int primaryTls = RedisServerProcess.freePort();
        RedisServerProcess redis = RedisServerProcess.start("--enable-debug-command", "yes", "--repl-diskless-sync",
                "yes", "--repl-diskless-sync-delay", "0", "--tls-port", Integer.toString(primaryTls),
                "--tls-cert-file", certs.path("node.crt"), "--tls-key-file", certs.path("node.key"),
                "--tls-ca-cert-file", certs.path("ca.crt"));
        track(redis);
        Jedis p = jedis(redis.port());
        Workload.run(p, new Random(41), 800);
        LarderServer replica = tlsReplicaOf(primaryTls);
        Jedis r = jedis(replica.port());
        Workload.run(p, new Random(42), 1200);
        assertSameData(p, replica, r);
        assertThat(field(r.info("replication"), "master_link_status")).isEqualTo("up");
    }

    /**
     * A redis-server replica has converged when, after the workload's short TTLs have passed and a SCAN of every
     * database made the primary delete those keys, its offset is the primary's and the digests agree.
     */
    private static void awaitRedisConverged(Jedis primary, Jedis replica) throws InterruptedException {
        Thread.sleep(350);
        for (int db = 0; db < 16; db++) {
            primary.select(db);
            String cursor = "0";
            do {
                cursor = primary.scan(cursor).getCursor();
            } while (!cursor.equals("0"));
        }
        primary.select(0);
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            String target = field(primary.info("replication"), "master_repl_offset");
            String info = replica.info("replication");
            if (field(info, "master_link_status").equals("up")
                    && field(info, "slave_repl_offset").equals(target)) {
                break;
            }
            assertThat(System.currentTimeMillis()).as("redis replica at " + field(info, "slave_repl_offset")
                    + ", primary at " + target).isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(digest(replica)).isEqualTo(digest(primary));
    }
}
