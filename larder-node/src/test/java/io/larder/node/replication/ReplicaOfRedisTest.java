package io.larder.node.replication;

import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Larder replica of a real Redis 7.0 primary: full synchronisation (snapshot by length and by EOF mark, to disk
 * and in memory), the stream under a mixed write load, partial resynchronisation after either side cuts the
 * link, full resynchronisation once the backlog lost the offset, a link cut in the middle of the snapshot, and
 * the replica's refusals (READONLY, MASTERDOWN) compared byte for byte with a Redis replica's.
 */
class ReplicaOfRedisTest extends ClosingTestBase {
    private static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);
    private static final String[] DEBUG_ON = {"--enable-debug-command", "yes"};
    /** Redis waits 5 seconds for more replicas before a diskless snapshot by default; tests need not. */
    private static final String[] NO_SYNC_DELAY = {"--repl-diskless-sync-delay", "0"};

    @BeforeEach
    void requireRedis() {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
    }

    private RedisServerProcess redis(String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of(DEBUG_ON));
        all.addAll(List.of(NO_SYNC_DELAY));
        all.addAll(List.of(options));
        return track(RedisServerProcess.start(all.toArray(new String[0])));
    }

    private LarderServer larder(String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of(DEBUG_ON));
        all.addAll(List.of(options));
        return track(LarderServer.start(all.toArray(new String[0])));
    }

    /** A Redis primary started with {@code redisOptions}, a Larder replica following it, a connection to each. */
    private record Linked(RedisServerProcess primary, Jedis p, LarderServer replica, Jedis r) {
    }

    private Linked linked(String... redisOptions) throws Exception {
        RedisServerProcess primary = redis(redisOptions);
        LarderServer replica = larder();
        Jedis r = jedis(replica.port());
        assertThat(r.replicaof("127.0.0.1", primary.port())).isEqualTo("OK");
        return new Linked(primary, jedis(primary.port()), replica, r);
    }

    private Jedis jedis(int port) {
        return track(new Jedis("127.0.0.1", port, 30_000));
    }

    // ---- convergence

    @Test
    void convergesFromDiskSnapshotUnderLoad() throws Exception {
        converges(new String[]{"--repl-diskless-sync", "no"}, new String[0]);
    }

    @Test
    void convergesFromDisklessSnapshotLoadedInMemory() throws Exception {
        converges(new String[]{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"},
                new String[]{"--repl-diskless-load", "on-empty-db"});
    }

    private void converges(String[] redisOptions, String[] larderOptions) throws Exception {
        RedisServerProcess primary = redis(redisOptions);
        Jedis p = jedis(primary.port());
        Workload.run(p, new Random(1), 2000); // before the replica exists: goes over in the snapshot
        List<String> options = new ArrayList<>(List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port())));
        options.addAll(List.of(larderOptions));
        LarderServer replica = larder(options.toArray(new String[0]));
        Jedis r = jedis(replica.port());
        Workload.run(p, new Random(2), 4000); // during and after the full synchronisation: the stream
        awaitCaughtUp(p, replica);
        assertThat(p.waitReplicas(1, 5000)).as("WAIT sees the replica's acknowledgement").isEqualTo(1);
        assertSameData(p, replica, r);
        assertThat(r.configGet("replicaof").get("replicaof")).isEqualTo("127.0.0.1 " + primary.port());
    }

    @Test
    void authenticatesWithMasterauthAndMasteruser() throws Exception {
        RedisServerProcess primary = redis("--requirepass", "secret");
        Jedis p = jedis(primary.port());
        p.auth("secret");
        p.aclSetUser("repl", "on", ">replpass", "+psync", "+replconf", "+ping");
        p.set("k", "v");
        LarderServer replica = larder("--masteruser", "repl", "--masterauth", "replpass");
        Jedis r = jedis(replica.port());
        r.replicaof("127.0.0.1", primary.port());
        awaitCaughtUp(p, replica);
        assertThat(r.get("k")).isEqualTo("v");
        // A wrong password: the link stays down, and says why in the log only, as Redis.
        r.configSet("masterauth", "wrong");
        r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.MASTER));
        Thread.sleep(2500);
        assertThat(r.info("replication")).contains("master_link_status:down");
        r.configSet("masterauth", "replpass");
        p.set("k2", "v2");
        awaitCaughtUp(p, replica);
        assertThat(r.get("k2")).isEqualTo("v2");
    }

    @Test
    void theMasterClientIsNeverClosedAsIdle() throws Exception {
        RedisServerProcess primary = redis();
        Jedis p = jedis(primary.port());
        LarderServer replica = larder("--timeout", "1");
        Jedis r = jedis(replica.port());
        r.replicaof("127.0.0.1", primary.port());
        p.set("k", "v");
        awaitCaughtUp(p, replica);
        Map<String, String> before = stats(p);
        Thread.sleep(3000); // no writes: only the primary's PING every 10 seconds
        assertThat(stats(p)).containsEntry("sync_partial_ok", before.get("sync_partial_ok"))
                .containsEntry("sync_full", before.get("sync_full"));
        // (this test's own connection was idle too, and is closed)
        assertThat(jedis(replica.port()).info("replication")).contains("master_link_status:up");
    }

    // ---- partial and full resynchronisation

    @Test
    void resyncsPartiallyAfterTheReplicaKillsItsMasterClient() throws Exception {
        resyncsPartially((primary, replica) -> assertThat(replica.clientKill(
                new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.MASTER)))
                .isEqualTo(1));
    }

    @Test
    void resyncsPartiallyAfterThePrimaryKillsTheReplica() throws Exception {
        resyncsPartially((primary, replica) -> assertThat(primary.clientKill(
                new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.REPLICA)))
                .isEqualTo(1));
    }

    private interface Cut {
        void apply(Jedis primary, Jedis replica);
    }

    private void resyncsPartially(Cut cut) throws Exception {
        Linked l = linked();
        Jedis p = l.p();
        LarderServer replica = l.replica();
        Jedis r = l.r();
        Workload.run(p, new Random(3), 1000);
        awaitCaughtUp(p, replica);
        Map<String, String> before = stats(p);
        cut.apply(p, r);
        Workload.run(p, new Random(4), 1000); // while the link is down or coming back
        awaitCaughtUp(p, replica);
        Map<String, String> after = stats(p);
        assertThat(Long.parseLong(after.get("sync_partial_ok"))).isEqualTo(Long.parseLong(before.get("sync_partial_ok")) + 1);
        assertThat(after.get("sync_full")).isEqualTo(before.get("sync_full"));
        assertSameData(p, replica, r);
    }

    @Test
    void resyncsFullyWhenTheBacklogLostTheOffset() throws Exception {
        Linked l = linked("--repl-backlog-size", "16kb");
        RedisServerProcess primary = l.primary();
        Jedis p = l.p();
        LarderServer replica = l.replica();
        Jedis r = l.r();
        Workload.run(p, new Random(5), 500);
        awaitCaughtUp(p, replica);
        // Follow a primary that is not there while this one writes far more than its backlog holds.
        r.replicaof("127.0.0.1", RedisServerProcess.freePort());
        String big = "x".repeat(1000);
        for (int i = 0; i < 200; i++) {
            p.set("big:" + i, big);
        }
        Map<String, String> before = stats(p);
        r.replicaof("127.0.0.1", primary.port());
        awaitCaughtUp(p, replica);
        Map<String, String> after = stats(p);
        assertThat(Long.parseLong(after.get("sync_partial_err"))).as("the PSYNC was tried")
                .isEqualTo(Long.parseLong(before.get("sync_partial_err")) + 1);
        assertThat(Long.parseLong(after.get("sync_full"))).isEqualTo(Long.parseLong(before.get("sync_full")) + 1);
        assertSameData(p, replica, r);
    }

    @Test
    void recoversFromALinkCutDuringTheSnapshot() throws Exception {
        RedisServerProcess primary = redis("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
        Jedis p = jedis(primary.port());
        for (int i = 0; i < 3000; i++) {
            p.set("k:" + i, "v" + i);
        }
        p.configSet("rdb-key-save-delay", "1000"); // a microsecond delay per key: a transfer of about 3 seconds
        LarderServer replica = larder();
        Jedis r = jedis(replica.port());
        r.replicaof("127.0.0.1", primary.port());
        awaitInfo(r, "master_sync_in_progress:1");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!r.info("replication").contains("master_sync_read_bytes:") || readBytes(r) == 0) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(20);
        }
        // The EOF-marked form has no size; the history held before stays offered until the snapshot is loaded.
        assertThat(r.info("replication")).contains("master_sync_total_bytes:-1", "slave_repl_offset:0",
                "master_last_io_seconds_ago:-1", "master_link_status:down");
        assertThat(r.role()).containsExactly("slave", "127.0.0.1", (long) primary.port(), "sync", -1L);
        p.clientKill(new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.REPLICA));
        p.configSet("rdb-key-save-delay", "0");
        awaitCaughtUp(p, replica);
        assertSameData(p, replica, r);
    }

    @Test
    void theReplicasAppendOnlyFileHoldsThePrimarysData() throws Exception {
        RedisServerProcess primary = redis();
        Jedis p = jedis(primary.port());
        Workload.run(p, new Random(7), 1000);
        Path dir = Files.createTempDirectory("larder-replica-aof");
        String digest;
        try (LarderServer replica = LarderServer.start("--enable-debug-command", "yes", "--dir", dir.toString(),
                "--appendonly", "yes", "--replicaof", "127.0.0.1", String.valueOf(primary.port()));
             Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
            awaitCaughtUp(p, replica);
            long deadline = System.currentTimeMillis() + 20_000;
            // The full synchronisation replaced the data set behind the AOF's back: it is rewritten afterwards.
            // The base keeps keys whose TTL passed (the replica holds them until its primary's DEL) and a reload
            // keeps them too, so a later PERSIST from the primary finds its key, as in Redis.
            while (!r.info("persistence").contains("aof_rewrite_in_progress:0")
                    || r.info("persistence").contains("aof_rewrites:0")) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(20);
            }
            Workload.run(p, new Random(9), 2000);
            assertSameData(p, replica, r);
            digest = digest(r);
        }
        try (LarderServer reloaded = LarderServer.start("--enable-debug-command", "yes", "--dir", dir.toString(),
                "--appendonly", "yes");
             Jedis j = new Jedis("127.0.0.1", reloaded.port(), 30_000)) {
            // The AOF loads after the node listens (commands get LOADING meanwhile, as Redis answers them).
            long loadDeadline = System.currentTimeMillis() + 30_000;
            while (reloaded.node().persistence().loading()) {
                assertThat(System.currentTimeMillis()).as("the AOF loads").isLessThan(loadDeadline);
                Thread.sleep(10);
            }
            assertThat(digest(j)).as(() -> differences(p, j)).isEqualTo(digest);
        }
    }

    // ---- the replica's own behaviour

    @Test
    void refusesWritesAndStaleReadsAsARedisReplica() throws Exception {
        RedisServerProcess primary = redis();
        int nowhere = RedisServerProcess.freePort();
        RedisServerProcess redisReplica = redis();
        LarderServer replica = larder();
        try (RawClient ours = new RawClient(replica.port()); RawClient theirs = new RawClient(redisReplica.port())) {
            String[][] script = {
                    {"REPLICAOF", "127.0.0.1", "notaport"}, {"REPLICAOF", "127.0.0.1", "65536"},
                    {"REPLICAOF", "127.0.0.1", "-1"}, {"SLAVEOF", "127.0.0.1"}, {"REPLICAOF", "no", "one"},
                    {"REPLICAOF", "127.0.0.1", String.valueOf(primary.port())},
                    {"REPLICAOF", "127.0.0.1", String.valueOf(primary.port())}, {"WAIT-FOR-LINK"},
                    {"SET", "a", "1"}, {"INCR", "n"}, {"GET", "a"}, {"MULTI"}, {"SET", "a", "1"}, {"GET", "a"},
                    {"EXEC"}, {"EVAL", "return redis.call('set','a','1')", "0"},
                    {"EVAL", "return redis.pcall('set','a','1')", "0"},
                    {"EVAL", "#!lua\nreturn redis.call('get','a')", "0"},
                    {"EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"},
                    {"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', function() return 1 end)"},
                    {"CONFIG", "SET", "replica-read-only", "no"}, {"SET", "mine", "1"},
                    {"CONFIG", "SET", "replica-read-only", "yes"},
                    {"REPLICAOF", "127.0.0.1", String.valueOf(nowhere)},
                    {"CONFIG", "SET", "replica-serve-stale-data", "no"}, {"GET", "a"}, {"PING"}, {"ECHO", "x"},
                    {"EVAL", "return redis.call('get','a')", "0"},
                    {"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('get','a')", "0"},
                    {"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.pcall('get','a')", "0"},
                    {"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('echo','a')", "0"},
                    {"EVAL", "#!lua flags=allow-stale\nreturn 1", "0"},
                    {"MULTI"}, {"GET", "a"}, {"EXEC"}, {"SET", "a", "2"}, {"CONFIG", "GET", "replicaof"},
                    {"CONFIG", "SET", "replica-serve-stale-data", "yes"}, {"GET", "nothing"}, {"SLAVEOF", "NO", "ONE"},
                    {"SET", "a", "3"}, {"GET", "a"}, {"ROLE"}, {"CONFIG", "GET", "replicaof"},
            };
            for (String[] command : script) {
                if (command[0].equals("WAIT-FOR-LINK")) {
                    // Not during the (short) load of the snapshot, when both answer LOADING.
                    awaitLinkUp(ours);
                    awaitLinkUp(theirs);
                    continue;
                }
                String expected = new String(theirs.call(command), StandardCharsets.UTF_8);
                String actual = new String(ours.call(command), StandardCharsets.UTF_8);
                if (command[0].equals("ROLE")) {
                    assertThat(actual).startsWith("*3\r\n$6\r\nmaster\r\n"); // offsets differ
                    continue;
                }
                assertThat(actual).as(String.join(" ", command)).isEqualTo(expected);
            }
        }
    }

    @Test
    void reportsTheLinkInRoleAndInfo() throws Exception {
        // No PING from the primary while offsets are compared.
        RedisServerProcess primary = redis("--repl-ping-replica-period", "3600");
        Jedis p = jedis(primary.port());
        LarderServer replica = larder();
        Jedis r = jedis(replica.port());
        int nowhere = RedisServerProcess.freePort();
        r.replicaof("127.0.0.1", nowhere);
        String info = r.info("replication");
        assertThat(info).contains("role:slave", "master_host:127.0.0.1", "master_port:" + nowhere,
                "master_link_status:down", "master_last_io_seconds_ago:-1", "master_sync_in_progress:0",
                "slave_read_repl_offset:0", "slave_repl_offset:0", "master_link_down_since_seconds:-1",
                "slave_priority:100", "slave_read_only:1", "replica_announced:1");
        assertThat(roleState(r)).isIn("connect", "connecting");
        r.replicaof("127.0.0.1", primary.port());
        p.set("x", "1");
        awaitCaughtUp(p, replica);
        List<Object> role = r.role();
        assertThat(role.subList(0, 4)).containsExactly("slave", "127.0.0.1", (long) primary.port(), "connected");
        assertThat((Long) role.get(4)).isEqualTo(masterOffset(p));
        info = r.info("replication");
        assertThat(info).contains("master_link_status:up", "slave_repl_offset:" + masterOffset(p))
                .doesNotContain("master_link_down_since_seconds");
        assertThat(r.clientList()).contains("flags=M");
        // The link's loss shows at once; the link comes back on its own.
        long continued = Long.parseLong(stats(p).get("sync_partial_ok"));
        r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.MASTER));
        // The kill takes effect after its reply: wait for the link's return, not for a state it may not have left.
        long deadline = System.currentTimeMillis() + 10_000;
        while (Long.parseLong(stats(p).get("sync_partial_ok")) == continued) {
            assertThat(System.currentTimeMillis()).as("the link came back").isLessThan(deadline);
            Thread.sleep(10);
        }
        awaitCaughtUp(p, replica);
        assertThat(r.info("replication")).contains("master_link_status:up");
    }

    @Test
    void blockedClientsAreUnblockedAndDisconnectedAsByRedis() throws Exception {
        RedisServerProcess primary = redis();
        RedisServerProcess redisReplica = redis();
        LarderServer replica = larder();
        for (int port : new int[]{redisReplica.port(), replica.port()}) {
            try (RawClient blocked = new RawClient(port); RawClient admin = new RawClient(port)) {
                blocked.send("BLPOP".getBytes(StandardCharsets.US_ASCII), "nothing".getBytes(StandardCharsets.US_ASCII),
                        "0".getBytes(StandardCharsets.US_ASCII));
                long deadline = System.currentTimeMillis() + 5000;
                while (!admin.callText("INFO", "clients").contains("blocked_clients:1")) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                assertThat(admin.callText("REPLICAOF", "127.0.0.1", String.valueOf(primary.port()))).isEqualTo("+OK\r\n");
                assertThat(new String(blocked.readReply(), StandardCharsets.UTF_8)).isEqualTo(
                        "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n");
                assertThat(blocked.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void expiredKeysAreHiddenButLeftForThePrimarysDelete() throws Exception {
        Linked l = linked();
        Jedis p = l.p();
        LarderServer replica = l.replica();
        Jedis r = l.r();
        p.set("first", "1");
        awaitCaughtUp(p, replica);
        p.sendCommand(DEBUG, "SET-ACTIVE-EXPIRE", "0"); // the primary waits too
        p.del("first");
        p.psetex("short", 300, "v");
        awaitCaughtUp(p, replica);
        assertThat(r.get("short")).isEqualTo("v");
        Thread.sleep(400);
        assertThat(r.get("short")).isNull();
        assertThat(r.exists("short")).isFalse();
        assertThat(r.dbSize()).as("still stored until the primary deletes it").isEqualTo(1);
        assertThat(p.get("short")).isNull(); // the primary expires it on access and sends DEL
        awaitCaughtUp(p, replica);
        assertThat(r.dbSize()).isZero();
    }

    @Test
    void noOneKeepsTheDataAndTakesWrites() throws Exception {
        Linked l = linked();
        Jedis p = l.p();
        LarderServer replica = l.replica();
        Jedis r = l.r();
        Workload.run(p, new Random(6), 500);
        assertSameData(p, replica, r); // and no key left whose TTL passed: a primary would delete those
        String digest = digest(r);
        String primaryId = replica.node().replicaLink().primaryReplId();
        assertThat(r.replicaofNoOne()).isEqualTo("OK");
        assertThat(digest(r)).isEqualTo(digest);
        assertThat(r.set("after", "1")).isEqualTo("OK");
        assertThat(r.role().get(0)).isEqualTo("master");
        assertThat(r.info("replication")).contains("role:master");
        long deadline = System.currentTimeMillis() + 5000;
        while (replica.node().replicaLink().sink().replId().equals(primaryId)) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(10);
        }
        // Writes made to the old primary no longer arrive.
        p.set("later", "1");
        Thread.sleep(300);
        assertThat(r.exists("later")).isFalse();
    }

    // ---- helpers

    private static Map<String, String> stats(Jedis j) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String line : j.info("stats").split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return m;
    }

    static long masterOffset(Jedis primary) {
        for (String line : primary.info("replication").split("\r\n")) {
            if (line.startsWith("master_repl_offset:")) {
                return Long.parseLong(line.substring("master_repl_offset:".length()));
            }
        }
        throw new IllegalStateException("no master_repl_offset");
    }

    private static long readBytes(Jedis replica) {
        for (String line : replica.info("replication").split("\r\n")) {
            if (line.startsWith("master_sync_read_bytes:")) {
                return Long.parseLong(line.substring("master_sync_read_bytes:".length()));
            }
        }
        return 0;
    }

    private static String roleState(Jedis replica) {
        return (String) replica.role().get(3);
    }

    private static void awaitLinkUp(RawClient c) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!c.callText("INFO", "replication").contains("master_link_status:up")) {
            assertThat(System.currentTimeMillis()).as("waiting for the link").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void awaitInfo(Jedis j, String field) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!j.info("replication").contains(field)) {
            assertThat(System.currentTimeMillis()).as("waiting for " + field).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Waits until the link is up and the replica applied everything the primary wrote so far. */
    static void awaitCaughtUp(Jedis primary, LarderServer replica) throws InterruptedException {
        ReplicaLink link = replica.node().replicaLink();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            long target = masterOffset(primary);
            if (link.state() == ReplicaLink.State.CONNECTED && link.appliedOffset() == target) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("replica at " + link.state() + " " + link.appliedOffset()
                    + ", primary at " + target).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(DEBUG, "DIGEST"), StandardCharsets.US_ASCII);
    }

    /**
     * Once the short TTLs of the workload have passed and the primary has deleted those keys (SCAN deletes the
     * expired keys it meets, and the deletions reach the replica): key by key (names and DEBUG DIGEST-VALUE in
     * every database), then DEBUG DIGEST.
     */
    static void assertSameData(Jedis primary, LarderServer server, Jedis replica) throws InterruptedException {
        Thread.sleep(350);
        for (int db = 0; db < 16; db++) {
            primary.select(db);
            String cursor = "0";
            do {
                var page = primary.scan(cursor);
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
        }
        primary.select(0);
        awaitCaughtUp(primary, server);
        for (int db = 0; db < 16; db++) {
            primary.select(db);
            replica.select(db);
            TreeSet<String> keys = new TreeSet<>(primary.keys("*"));
            TreeSet<String> replicaKeys = new TreeSet<>(replica.keys("*"));
            if (!replicaKeys.equals(keys)) {
                String where = whereOnPrimary(primary, keys, replicaKeys, replica, db);
                assertThat(replicaKeys).as("keys of db " + db + " on the replica on port " + server.port() + "\n" + where)
                        .isEqualTo(keys);
            }
            for (String key : keys) {
                assertThat(digestValue(replica, key)).as("value of " + key + " in db " + db)
                        .isEqualTo(digestValue(primary, key));
            }
        }
        primary.select(0);
        replica.select(0);
        assertThat(digest(replica)).isEqualTo(digest(primary));
    }

    /**
     * For a failure message: each key of db {@code db} that only one side has, with every database of the primary
     * that holds it (its type and value digest there) and the replica's value digest.
     */
    private static String whereOnPrimary(Jedis primary, Set<String> primaryKeys, Set<String> replicaKeys,
                                         Jedis replica, int db) {
        TreeSet<String> differing = new TreeSet<>(primaryKeys);
        differing.addAll(replicaKeys);
        differing.removeIf(k -> primaryKeys.contains(k) && replicaKeys.contains(k));
        StringBuilder s = new StringBuilder();
        for (String key : differing) {
            s.append(key).append(replicaKeys.contains(key) ? ": replica only, value " + digestValue(replica, key)
                    : ": primary only").append("; on the primary in");
            for (int other = 0; other < 16; other++) {
                primary.select(other);
                if (primary.exists(key)) {
                    s.append(" db ").append(other).append(" (").append(primary.type(key)).append(' ')
                            .append(digestValue(primary, key)).append(')');
                }
            }
            s.append('\n');
        }
        primary.select(db);
        return s.toString();
    }

    /** For a failure message: the keys (per database) one side has and the other lacks or holds otherwise. */
    private static String differences(Jedis a, Jedis b) {
        StringBuilder s = new StringBuilder();
        for (int db = 0; db < 16; db++) {
            a.select(db);
            b.select(db);
            TreeSet<String> keysA = new TreeSet<>(a.keys("*"));
            TreeSet<String> keysB = new TreeSet<>(b.keys("*"));
            for (String k : keysA) {
                if (!keysB.contains(k)) {
                    s.append("db ").append(db).append(" only first: ").append(k).append(" pttl ").append(a.pttl(k)).append('\n');
                } else if (!digestValue(a, k).equals(digestValue(b, k))) {
                    s.append("db ").append(db).append(" differs: ").append(k).append('\n');
                }
            }
            for (String k : keysB) {
                if (!keysA.contains(k)) {
                    s.append("db ").append(db).append(" only second: ").append(k).append(" pttl ").append(b.pttl(k)).append('\n');
                }
            }
            if (a.dbSize() != b.dbSize()) {
                s.append("db ").append(db).append(" dbsize ").append(a.dbSize()).append(" vs ").append(b.dbSize()).append('\n');
            }
        }
        a.select(0);
        b.select(0);
        return s.toString();
    }

    private static String digestValue(Jedis j, String key) {
        try {
            Object reply = j.sendCommand(DEBUG, "DIGEST-VALUE", key);
            return new String((byte[]) ((List<?>) reply).get(0), StandardCharsets.US_ASCII);
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }
}
