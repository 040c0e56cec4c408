package io.larder.node.commands.transaction;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.keyspace.KeyspaceListener;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * WATCH on one connection, a command on another, then MULTI/EXEC on the first: run on redis-server and on
 * Larder, the EXEC replies must be identical, and must be the expected abort (null) or success.
 */
class TransactionTwoClientsTest extends OracleTestBase {
    private static final String NULL_ARRAY = "*-1\r\n";

    /** setup commands (";"-separated, run by the other connection), the other connection's command, broken? */
    static Stream<Arguments> cases() {
        return Stream.of(
                // strings
                arguments("", "SET k v", true),
                arguments("SET k 1", "SET k 1", true),
                arguments("SET k 1", "SET k 2 NX", false),
                arguments("", "SET k 2 XX", false),
                arguments("SET k 1", "SETNX k 2", false),
                arguments("", "SETNX k 2", true),
                arguments("", "SETEX k 100 v", true),
                arguments("", "PSETEX k 100000 v", true),
                arguments("SET k 1", "GETSET k 2", true),
                arguments("", "MSET a 1 k 2", true),
                arguments("SET a 1", "MSETNX a 1 k 2", false),
                arguments("", "MSETNX a 1 k 2", true),
                arguments("", "APPEND k x", true),
                arguments("SET k 1", "INCR k", true),
                arguments("SET k 1", "DECRBY k 3", true),
                arguments("SET k 1", "INCRBYFLOAT k 1.5", true),
                arguments("SET k abc", "INCR k", false),
                arguments("SET k abc", "SETRANGE k 1 x", true),
                arguments("SET k abc", "SETRANGE k 1 ''", false),
                arguments("", "GETDEL k", false),
                arguments("SET k 1", "GETDEL k", true),
                arguments("SET k 1", "GETEX k EX 100", true),
                arguments("SET k 1", "GETEX k PERSIST", false),
                arguments("SET k 1 EX 100", "GETEX k PERSIST", true),
                arguments("SET k 1", "GET k", false),
                // generic keyspace
                arguments("SET k 1", "DEL k", true),
                arguments("", "DEL k", false),
                arguments("SET k 1", "UNLINK k", true),
                arguments("SET src 1", "RENAME src k", true),
                arguments("SET k 1", "RENAME k dst", true),
                arguments("SET k 1", "RENAME k k", false),
                arguments("SET src 1;SET k 1", "RENAMENX src k", false),
                arguments("SET src 1", "COPY src k", true),
                arguments("SET src 1;SET k 1", "COPY src k", false),
                arguments("SET src 1;SET k 1", "COPY src k REPLACE", true),
                arguments("SET k 1", "MOVE k 1", true),
                arguments("SET k 1", "EXPIRE k 100", true),
                arguments("", "EXPIRE k 100", false),
                arguments("SET k 1 EX 100", "EXPIRE k 200 NX", false),
                arguments("SET k 1", "PEXPIREAT k 1", true),
                arguments("SET k 1", "PERSIST k", false),
                arguments("SET k 1 EX 100", "PERSIST k", true),
                arguments("SET k 1", "TTL k", false),
                arguments("SET k 1", "EXISTS k", false),
                // hashes
                arguments("", "HSET k f v", true),
                arguments("HSET k f v", "HSET k f v", true),
                arguments("HSET k f v", "HSETNX k f w", false),
                arguments("HSET k f v", "HSETNX k g w", true),
                arguments("HSET k f v", "HDEL k nofield", false),
                arguments("HSET k f v", "HDEL k f", true),
                arguments("HSET k f 1", "HINCRBY k f 1", true),
                arguments("HSET k f 1", "HINCRBYFLOAT k f 1", true),
                arguments("HSET k f v", "HGET k f", false),
                // sets
                arguments("SADD k m", "SADD k m", false),
                arguments("SADD k m", "SADD k n", true),
                arguments("SADD k m", "SREM k other", false),
                arguments("SADD k m", "SREM k m", true),
                arguments("SADD k m n", "SPOP k", true),
                arguments("SADD k m n", "SPOP k 5", true),
                arguments("SADD src m", "SMOVE src k m", true),
                arguments("SADD src m;SADD k m", "SMOVE src k m", false),
                arguments("SADD k m", "SMOVE k dst m", true),
                arguments("SADD a m", "SINTERSTORE k a", true),
                arguments("", "SINTERSTORE k a", false),
                arguments("SADD k m", "SINTERSTORE k nosuch", true),
                arguments("SADD a m", "SUNIONSTORE k a", true),
                arguments("", "SDIFFSTORE k a", false),
                // lists
                arguments("", "LPUSH k a", true),
                arguments("", "RPUSH k a b", true),
                arguments("", "LPUSHX k a", false),
                arguments("RPUSH k a", "LPUSHX k b", true),
                arguments("", "RPUSHX k a", false),
                arguments("RPUSH k a", "RPUSHX k b c", true),
                arguments("SET k 1", "LPUSH k a", false),
                arguments("", "LPOP k", false),
                arguments("", "RPOP k 2", false),
                arguments("RPUSH k a b", "LPOP k", true),
                arguments("RPUSH k a", "RPOP k", true),
                arguments("RPUSH k a b", "LPOP k 5", true),
                arguments("RPUSH k a b", "RPOP k 0", false),
                arguments("", "LMPOP 2 a k LEFT", false),
                arguments("RPUSH a x;RPUSH k y", "LMPOP 2 a k LEFT", false),
                arguments("RPUSH k x y", "LMPOP 2 a k RIGHT COUNT 5", true),
                arguments("RPUSH k a", "LSET k 0 b", true),
                arguments("RPUSH k a", "LSET k 0 a", true),
                arguments("RPUSH k a", "LSET k 5 b", false),
                arguments("RPUSH k a", "LINSERT k BEFORE a x", true),
                arguments("RPUSH k a", "LINSERT k AFTER nopivot x", false),
                arguments("", "LINSERT k AFTER a x", false),
                arguments("RPUSH k a b a", "LREM k 0 a", true),
                arguments("RPUSH k a", "LREM k 1 a", true),
                arguments("RPUSH k a b", "LREM k 0 absent", false),
                arguments("RPUSH k a b", "LTRIM k 0 -1", true),
                arguments("RPUSH k a b", "LTRIM k 1 0", true),
                arguments("", "LTRIM k 0 1", false),
                arguments("RPUSH src a", "LMOVE src k LEFT RIGHT", true),
                arguments("RPUSH k a", "LMOVE k dst LEFT RIGHT", true),
                arguments("RPUSH k a", "LMOVE k k LEFT RIGHT", true),
                arguments("", "LMOVE src k LEFT RIGHT", false),
                arguments("RPUSH src a;SET k 1", "LMOVE src k LEFT RIGHT", false),
                arguments("RPUSH src a", "RPOPLPUSH src k", true),
                arguments("RPUSH k a", "RPOPLPUSH k dst", true),
                arguments("RPUSH k a", "BLPOP k 0", true),
                arguments("RPUSH k a", "BRPOP nosuch k 0", true),
                arguments("RPUSH a x;RPUSH k y", "BRPOP a k 0", false),
                arguments("", "BLPOP k 0.01", false),
                arguments("RPUSH k a b", "BLMPOP 0 1 k LEFT COUNT 2", true),
                arguments("", "BLMPOP 0.01 1 k LEFT", false),
                arguments("RPUSH src a", "BLMOVE src k LEFT LEFT 0", true),
                arguments("RPUSH k a", "BRPOPLPUSH k dst 0", true),
                arguments("", "BRPOPLPUSH src k 0.01", false),
                arguments("RPUSH k a", "LRANGE k 0 -1", false),
                arguments("RPUSH k a", "LPOS k a", false),
                // bitmaps
                arguments("", "SETBIT k 7 1", true),
                arguments("", "SETBIT k 7 0", true),
                arguments("SETBIT k 7 1", "SETBIT k 7 1", false),
                arguments("SETBIT k 7 1", "SETBIT k 7 0", true),
                arguments("SETBIT k 7 1", "SETBIT k 6 0", false),
                arguments("SETBIT k 7 1", "SETBIT k 100 0", true),
                arguments("SET k 1", "SETBIT k 0 0", false),
                arguments("SET k 1", "GETBIT k 0", false),
                arguments("", "BITOP AND k a b", false),
                arguments("SET k 1", "BITOP AND k a b", true),
                arguments("SET a x", "BITOP NOT k a", true),
                arguments("SET a x;SET k x", "BITOP OR k a", true),
                arguments("", "BITFIELD k SET u8 0 0", true),
                arguments("SET k a", "BITFIELD k SET u8 0 97", false),
                arguments("SET k a", "BITFIELD k SET u8 0 98", true),
                arguments("SET k a", "BITFIELD k INCRBY u8 0 0", false),
                arguments("SET k a", "BITFIELD k INCRBY i8 0 1", true),
                arguments("SET k a", "BITFIELD k OVERFLOW FAIL INCRBY u8 0 200", false),
                arguments("SET k a", "BITFIELD k SET u8 8 0", true),
                arguments("", "BITFIELD k OVERFLOW FAIL SET u8 0 300", false),
                arguments("SET k a", "BITFIELD k GET u8 0", false),
                arguments("SET k a", "BITFIELD_RO k GET u8 0", false),
                // HyperLogLog
                arguments("", "PFADD k a", true),
                arguments("", "PFADD k", true),
                arguments("PFADD k a", "PFADD k a", false),
                arguments("PFADD k a", "PFADD k", false),
                arguments("PFADD k a", "PFADD k b", true),
                arguments("PFADD k a", "PFCOUNT k", true),
                arguments("PFADD k a;PFCOUNT k", "PFCOUNT k", false),
                arguments("PFADD k a", "PFCOUNT k other", false),
                arguments("PFADD a x", "PFMERGE k a", true),
                arguments("", "PFMERGE k", true),
                arguments("PFADD k a", "PFMERGE k", true),
                arguments("PFADD k a", "PFMERGE other k", false),
                arguments("PFADD k a", "PFDEBUG TODENSE k", false),
                // sorted sets
                arguments("", "ZADD k 1 m", true),
                arguments("ZADD k 1 m", "ZADD k 1 m", false),
                arguments("ZADD k 1 m", "ZADD k 2 m", true),
                arguments("ZADD k 1 m", "ZADD k 2 n", true),
                arguments("ZADD k 1 m", "ZADD k NX 2 m", false),
                arguments("ZADD k 1 m", "ZADD k NX 2 n", true),
                arguments("", "ZADD k XX 1 m", false),
                arguments("ZADD k 1 m", "ZADD k XX 1 n", false),
                arguments("ZADD k 1 m", "ZADD k XX CH 2 m", true),
                arguments("ZADD k 5 m", "ZADD k GT 3 m", false),
                arguments("ZADD k 5 m", "ZADD k GT 7 m", true),
                arguments("ZADD k 5 m", "ZADD k LT 7 m", false),
                arguments("ZADD k 5 m", "ZADD k LT 3 m", true),
                arguments("ZADD k 1 m", "ZADD k INCR 0 m", false),
                arguments("ZADD k 1 m", "ZADD k INCR 2 m", true),
                arguments("ZADD k inf m", "ZADD k INCR -inf m", false),
                arguments("SET k 1", "ZADD k 1 m", false),
                arguments("", "ZINCRBY k 1 m", true),
                arguments("ZADD k 1 m", "ZINCRBY k 1 m", true),
                arguments("ZADD k 1 m", "ZINCRBY k 0 m", false),
                arguments("ZADD k 1 m", "ZREM k other", false),
                arguments("ZADD k 1 m 2 n", "ZREM k m", true),
                arguments("ZADD k 1 m", "ZREM k m", true),
                arguments("", "ZREM k m", false),
                arguments("ZADD k 1 m 2 n", "ZREMRANGEBYRANK k 0 0", true),
                arguments("ZADD k 1 m", "ZREMRANGEBYRANK k 5 6", false),
                arguments("ZADD k 1 m 2 n", "ZREMRANGEBYSCORE k 2 3", true),
                arguments("ZADD k 1 m", "ZREMRANGEBYSCORE k 5 6", false),
                arguments("ZADD k 0 a 0 b", "ZREMRANGEBYLEX k [a [a", true),
                arguments("ZADD k 0 a", "ZREMRANGEBYLEX k [x [z", false),
                arguments("ZADD k 1 m 2 n", "ZPOPMIN k", true),
                arguments("ZADD k 1 m", "ZPOPMAX k 5", true),
                arguments("ZADD k 1 m", "ZPOPMIN k 0", false),
                arguments("", "ZPOPMAX k", false),
                arguments("ZADD a 1 x;ZADD k 1 y", "ZMPOP 2 a k MIN", false),
                arguments("ZADD k 1 x 2 y", "ZMPOP 2 a k MAX COUNT 5", true),
                arguments("", "ZMPOP 1 k MIN", false),
                arguments("ZADD a 1 x", "ZUNIONSTORE k 1 a", true),
                arguments("", "ZUNIONSTORE k 1 a", false),
                arguments("ZADD k 1 m", "ZUNIONSTORE k 1 nosuch", true),
                arguments("ZADD a 1 x;ZADD b 1 x", "ZINTERSTORE k 2 a b", true),
                arguments("ZADD k 1 m;ZADD a 1 x", "ZINTERSTORE k 2 a nosuch", true),
                arguments("ZADD a 1 x", "ZINTERSTORE k 2 a nosuch", false),
                arguments("ZADD a 1 x 2 y;ZADD b 1 x", "ZDIFFSTORE k 2 a b", true),
                arguments("ZADD a 1 x", "ZDIFFSTORE k 2 a a", false),
                arguments("ZADD k 1 m;ZADD a 1 x", "ZDIFFSTORE k 2 a a", true),
                arguments("ZADD a 1 x", "ZRANGESTORE k a 0 -1", true),
                arguments("ZADD a 1 x", "ZRANGESTORE k a 5 6", false),
                arguments("ZADD k 1 m", "ZRANGESTORE k nosuch 0 -1", true),
                arguments("ZADD k 1 m", "ZRANGESTORE dst k 0 -1", false),
                arguments("ZADD k 1 m", "ZUNIONSTORE dst 1 k", false),
                arguments("ZADD k 1 m", "ZRANGE k 0 -1", false),
                arguments("ZADD k 1 m", "ZSCORE k m", false),
                // whole keyspace
                arguments("SET k 1", "FLUSHALL", true),
                arguments("", "FLUSHALL", false),
                arguments("SET k 1", "FLUSHDB", true),
                arguments("SELECT 1;SET k 1;SELECT 0", "SWAPDB 0 1", true),
                arguments("SET k 1", "SWAPDB 0 1", true),
                arguments("SET other 1", "SWAPDB 0 1", false));
    }

    @ParameterizedTest(name = "[{0}] {1} breaks WATCH k: {2}")
    @MethodSource("cases")
    void otherClientsCommand(String setup, String command, boolean breaks) throws Exception {
        String oracleReply = scenario(redis.port(), setup, command);
        String ourReply = scenario(larder.port(), setup, command);
        assertThat(ourReply).isEqualTo(oracleReply);
        if (breaks) {
            assertThat(ourReply).isEqualTo(NULL_ARRAY);
        } else {
            assertThat(ourReply).isEqualTo("*1\r\n+PONG\r\n");
        }
    }

    private static String scenario(int port, String setup, String command) throws IOException {
        try (RawClient watcher = new RawClient(port); RawClient other = new RawClient(port)) {
            other.call("FLUSHALL");
            for (String s : setup.split(";")) {
                if (!s.isEmpty()) {
                    other.call(split(s));
                }
            }
            watcher.call("WATCH", "k");
            other.call(split(command));
            other.call("SELECT", "0");
            return exec(watcher);
        }
    }

    private static String exec(RawClient c) throws IOException {
        assertThat(text(c.call("MULTI"))).isEqualTo("+OK\r\n");
        assertThat(text(c.call("PING"))).isEqualTo("+QUEUED\r\n");
        return text(c.call("EXEC"));
    }

    /** A blocked BLMOVE served later by another client's push writes its destination: that breaks WATCH. */
    @ParameterizedTest(name = "blocked [{0}], then [{1}]: breaks WATCH k: {2}")
    @MethodSource("servedLaterCases")
    void blockedClientServedLater(String blocking, String push, boolean breaks) throws Exception {
        List<String> replies = new ArrayList<>();
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (RawClient watcher = new RawClient(port); RawClient blocked = new RawClient(port);
                 RawClient other = new RawClient(port)) {
                other.call("FLUSHALL");
                watcher.call("WATCH", "k");
                blocked.send(bytes(blocking));
                awaitBlockedClients(other, 1);
                other.call(split(push));
                assertThat(text(blocked.readReply())).as("port %d", port).contains("x");
                replies.add(exec(watcher));
            }
        }
        assertThat(replies.get(1)).isEqualTo(replies.get(0));
        assertThat(replies.get(1)).isEqualTo(breaks ? NULL_ARRAY : "*1\r\n+PONG\r\n");
    }

    static Stream<Arguments> servedLaterCases() {
        return Stream.of(
                arguments("BLMOVE src k RIGHT LEFT 0", "RPUSH src x", true),
                arguments("BRPOPLPUSH src k 0", "RPUSH src x", true),
                arguments("BLMOVE src dst RIGHT LEFT 0", "RPUSH src x", false),
                arguments("BLPOP src 0", "RPUSH src x", false));
    }

    /**
     * The pop that serves a blocked client later modifies its source key too. The push before it has already
     * signalled that key, so WATCH cannot tell; count the signals on Larder instead (Redis signals in both).
     */
    @Test
    void blockedPopServedLaterSignalsItsSource() throws Exception {
        Keyspace keyspace = larder.node().keyspace();
        KeyspaceListener installed = keyspace.listener();
        Map<String, Integer> signals = new ConcurrentHashMap<>();
        keyspace.listener(new KeyspaceListener() {
            @Override
            public void modified(Db db, byte[] key) {
                signals.merge(new String(key, StandardCharsets.UTF_8), 1, Integer::sum);
                installed.modified(db, key);
            }

            @Override
            public void expired(Db db, byte[] key) {
                installed.expired(db, key);
            }

            @Override
            public void flushing(Db db) {
                installed.flushing(db);
            }

            @Override
            public void swapping(Db db, Db replacedWith) {
                installed.swapping(db, replacedWith);
            }
        });
        keyspace.modificationInterest(1);
        try (RawClient blocked = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            other.call("FLUSHALL");
            blocked.send(bytes("BLPOP k 0"));
            awaitBlockedClients(other, 1);
            signals.clear();
            other.call("RPUSH", "k", "x", "y");
            assertThat(text(blocked.readReply())).isEqualTo("*2\r\n$1\r\nk\r\n$1\r\nx\r\n");
            assertThat(signals).containsExactlyEntriesOf(Map.of("k", 2)); // the push, then the pop

            blocked.send(bytes("BLMOVE src dst LEFT RIGHT 0"));
            awaitBlockedClients(other, 1);
            signals.clear();
            other.call("RPUSH", "src", "x");
            assertThat(text(blocked.readReply())).isEqualTo("$1\r\nx\r\n");
            assertThat(signals).isEqualTo(Map.of("src", 2, "dst", 1));
        } finally {
            keyspace.modificationInterest(-1);
            keyspace.listener(installed);
        }
    }

    private static void awaitBlockedClients(RawClient admin, int n) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!text(admin.call("INFO", "clients")).contains("\r\nblocked_clients:" + n + "\r\n")) {
            assertThat(System.nanoTime()).as("blocked_clients never reached %d", n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void watchedKeyExpiringBreaksTheTransaction() throws Exception {
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("FLUSHALL");
                c.call("SET", "k", "v", "PX", "30");
                c.call("WATCH", "k");
                Thread.sleep(80);
                assertThat(exec(c)).as("port %d", port).isEqualTo(NULL_ARRAY);
            }
        }
    }

    @Test
    void watchingAnAlreadyExpiredKeyIsNotBrokenByItsRemoval() throws Exception {
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (RawClient c = new RawClient(port); RawClient other = new RawClient(port)) {
                c.call("FLUSHALL");
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
                c.call("SET", "k", "v", "PX", "10");
                Thread.sleep(30);
                c.call("WATCH", "k");
                assertThat(text(other.call("GET", "k"))).isEqualTo("$-1\r\n"); // lazily deleted now
                assertThat(exec(c)).as("port %d", port).isEqualTo("*1\r\n+PONG\r\n");
                // ... but recreating it is a modification
                c.call("SET", "k", "v", "PX", "10");
                Thread.sleep(30);
                c.call("WATCH", "k");
                other.call("SET", "k", "new");
                assertThat(exec(c)).as("port %d", port).isEqualTo(NULL_ARRAY);
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            }
        }
    }

    @Test
    void watchesEndWithTheConnectionAndCountInInfo() throws Exception {
        try (RawClient c = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            other.call("FLUSHALL");
            c.call("WATCH", "x", "y", "x");
            other.call("WATCH", "x");
            String info = text(other.call("INFO", "clients"));
            assertThat(info).contains("watching_clients:2").contains("total_watched_keys:2");
            assertThat(text(other.call("CLIENT", "LIST"))).contains("multi=-1");
            c.call("MULTI");
            c.call("PING");
            assertThat(text(other.call("CLIENT", "LIST"))).contains("flags=x db=0 sub=0 psub=0 ssub=0 multi=1");
        }
        try (RawClient c = new RawClient(larder.port())) {
            // the closed connection's watches are gone (closing is asynchronous on the server)
            String info = "";
            for (int i = 0; i < 100; i++) {
                info = text(c.call("INFO", "clients"));
                if (info.contains("watching_clients:0")) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(info).contains("watching_clients:0").contains("total_watched_keys:0");
        }
    }

    @Test
    void queueTimeErrorsAndCommandStatsMatchTheOracle() throws Exception {
        List<String> replies = new ArrayList<>();
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("CONFIG", "RESETSTAT");
                c.call("MULTI");
                c.call("SET", "a", "b");
                c.call("INCR", "a");
                c.call("EXEC");
                c.call("MULTI");
                c.call("SET");
                c.call("EXEC");
                String stats = text(c.call("INFO", "commandstats")) + text(c.call("INFO", "errorstats"));
                // Redis lists commands in its hash table's order: compare the lines as a sorted list
                replies.add(stats.replaceAll("usec=\\d+,usec_per_call=[\\d.]+", "").lines()
                        .filter(l -> l.startsWith("cmdstat_") || l.startsWith("errorstat_"))
                        .filter(l -> !l.startsWith("cmdstat_config") && !l.startsWith("cmdstat_info"))
                        .sorted().reduce("", (x, y) -> x + y + "\n"));
            }
        }
        assertThat(replies.get(1)).isEqualTo(replies.get(0));
        assertThat(replies.get(1)).contains("cmdstat_exec:calls=2,,rejected_calls=0,failed_calls=1")
                .contains("cmdstat_incr:calls=1,,rejected_calls=0,failed_calls=1");
    }

    @Test
    void clientPauseWriteHoldsBackAnExecThatWrites() throws Exception {
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (RawClient c = new RawClient(port); RawClient other = new RawClient(port)) {
                c.call("MULTI");
                c.call("SET", "paused", "1");
                other.call("CLIENT", "PAUSE", "300", "WRITE");
                long start = System.nanoTime();
                assertThat(text(c.call("EXEC"))).isEqualTo("*1\r\n+OK\r\n");
                assertThat((System.nanoTime() - start) / 1_000_000).as("port %d", port).isGreaterThanOrEqualTo(200);
                // a read-only transaction is not held back
                other.call("CLIENT", "PAUSE", "300", "WRITE");
                c.call("MULTI");
                c.call("GET", "paused");
                start = System.nanoTime();
                assertThat(text(c.call("EXEC"))).isEqualTo("*1\r\n$1\r\n1\r\n");
                assertThat((System.nanoTime() - start) / 1_000_000).as("port %d", port).isLessThan(200);
                other.call("CLIENT", "UNPAUSE");
            }
        }
    }

    @Test
    void clientReplyOffAroundAndInsideTransactions() throws Exception {
        String script = "CLIENT REPLY OFF;MULTI;SET a 1;INCR a;EXEC;CLIENT REPLY ON;GET a;CLIENT REPLY SKIP;MULTI;"
                + "SET b 1;EXEC;GET b;MULTI;CLIENT REPLY OFF;SET c 1;EXEC;PING;CLIENT REPLY ON;ECHO end";
        List<String> transcripts = new ArrayList<>();
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("FLUSHALL");
                for (String command : script.split(";")) {
                    c.send(bytes(command));
                }
                // Redis answers EXEC with the array header only once CLIENT REPLY OFF ran inside it: read raw
                StringBuilder transcript = new StringBuilder();
                while (!transcript.toString().endsWith("$3\r\nend\r\n")) {
                    transcript.append(text(c.readReply()));
                }
                transcripts.add(transcript.toString());
            }
        }
        assertThat(transcripts.get(1)).isEqualTo(transcripts.get(0))
                .startsWith("+OK\r\n$1\r\n2\r\n+QUEUED\r\n*1\r\n+OK\r\n$1\r\n1\r\n");
    }

    private static String[] split(String command) {
        String[] parts = command.split(" ");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("''")) {
                parts[i] = "";
            }
        }
        return parts;
    }

    private static byte[][] bytes(String command) {
        return Stream.of(split(command)).map(a -> a.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }
}
