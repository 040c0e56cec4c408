package io.larder.node.replication;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The primary's side of the protocol as a replica sees it on the wire: FULLRESYNC with a diskless or disk
 * payload, the stream after it, CONTINUE from the backlog, PSYNC2's second id, ACKs that get no reply.
 */
class ReplicationProtocolTest {
    private LarderServer primary;

    @AfterEach
    void stop() {
        if (primary != null) {
            primary.close();
        }
    }

    /** A hand-driven replica connection. */
    private static final class FakeReplica implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        FakeReplica(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(String... args) throws IOException {
            byte[][] bytes = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
            }
            out.write(RawClient.encode(bytes));
            out.flush();
        }

        /** A line without its CRLF; keep-alive newlines before it are skipped. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed");
                }
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    if (s.isEmpty()) {
                        continue;
                    }
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
        }

        byte[] bytes(int n) throws IOException {
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        }

        /** Reads an RDB payload in either form and returns it. */
        byte[] payload() throws IOException {
            String header = line();
            if (header.startsWith("$EOF:")) {
                byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                while (true) {
                    b.write(in.readUnsignedByte());
                    byte[] sofar = b.toByteArray();
                    if (sofar.length >= mark.length && java.util.Arrays.equals(sofar, sofar.length - mark.length,
                            sofar.length, mark, 0, mark.length)) {
                        return java.util.Arrays.copyOf(sofar, sofar.length - mark.length);
                    }
                }
            }
            assertThat(header).startsWith("$");
            return bytes(Integer.parseInt(header.substring(1)));
        }

        /** The next command of the stream, as its RESP bytes. */
        String command() throws IOException {
            String head = line();
            assertThat(head).startsWith("*");
            StringBuilder s = new StringBuilder(head).append("\r\n");
            for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
                String len = line();
                s.append(len).append("\r\n");
                s.append(new String(bytes(Integer.parseInt(len.substring(1)) + 2), StandardCharsets.UTF_8));
            }
            return s.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String resp(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return new String(RawClient.encode(bytes), StandardCharsets.UTF_8);
    }

    private static long offsetIn(String fullResync, String replId) {
        Matcher m = Pattern.compile("\\+FULLRESYNC ([0-9a-f]{40}) (\\d+)").matcher(fullResync);
        assertThat(m.matches()).as(fullResync).isTrue();
        if (replId != null) {
            assertThat(m.group(1)).isEqualTo(replId);
        }
        return Long.parseLong(m.group(2));
    }

    @Test
    void disklessFullSyncThenStreamThenContinue() throws Exception {
        primary = LarderServer.start("--repl-diskless-sync-delay", "0");
        try (RawClient c = new RawClient(primary.port())) {
            c.call("SET", "before", "1");
            String id;
            long start;
            try (FakeReplica r = new FakeReplica(primary.port())) {
                r.send("REPLCONF", "listening-port", "7777");
                assertThat(r.line()).isEqualTo("+OK");
                r.send("REPLCONF", "capa", "eof", "capa", "psync2");
                assertThat(r.line()).isEqualTo("+OK");
                r.send("PSYNC", "?", "-1");
                String full = r.line();
                id = primary.node().replication().replId();
                start = offsetIn(full, id);
                byte[] rdb = r.payload();
                assertThat(new String(rdb, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
                assertThat(new String(rdb, StandardCharsets.ISO_8859_1)).contains("before");

                c.call("SET", "after", "2");
                // Nothing flows before the replica's first ACK: it may have read past the payload's end.
                r.send("REPLCONF", "ACK", Long.toString(start));
                assertThat(r.command()).isEqualTo(resp("SELECT", "0"));
                assertThat(r.command()).isEqualTo(resp("SET", "after", "2"));
                long end = primary.node().replication().offset();
                assertThat(end).isEqualTo(start + resp("SELECT", "0").length() + resp("SET", "after", "2").length());
                r.send("REPLCONF", "ACK", Long.toString(end));
                String role = "*3\r\n$6\r\nmaster\r\n:" + end + "\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n7777\r\n$"
                        + Long.toString(end).length() + "\r\n" + end + "\r\n";
                long deadline = System.currentTimeMillis() + 5000;
                while (!c.callText("ROLE").equals(role)) {
                    assertThat(System.currentTimeMillis()).as("ROLE shows the acknowledged offset").isLessThan(deadline);
                    Thread.sleep(10);
                }
                assertThat(c.callText("WAIT", "1", "0")).isEqualTo(":1\r\n"); // acknowledged: no wait
            }
            c.call("SET", "while-away", "3");
            long away = primary.node().replication().offset();
            try (FakeReplica r = new FakeReplica(primary.port())) {
                r.send("REPLCONF", "capa", "psync2");
                assertThat(r.line()).isEqualTo("+OK");
                long resumeAt = start + resp("SELECT", "0").length() + resp("SET", "after", "2").length();
                r.send("PSYNC", id, Long.toString(resumeAt + 1));
                assertThat(r.line()).isEqualTo("+CONTINUE " + id);
                assertThat(r.command()).isEqualTo(resp("SET", "while-away", "3"));
                assertThat(primary.node().replication().offset()).isEqualTo(away);
            }
            String stats = c.callText("INFO", "stats");
            assertThat(stats).contains("sync_full:1\r\n").contains("sync_partial_ok:1\r\n");
        }
    }

    /**
     * WAIT and WAITAOF wait for the offset after the client's own last command (Redis's c->woff), not the
     * offset at the time they run; WAITAOF counts the offsets a replica reports with FACK.
     */
    @Test
    void waitAndWaitAofCountTheClientsOwnOffsetAgainstAcksAndFacks() throws Exception {
        primary = LarderServer.start("--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600");
        try (FakeReplica r = new FakeReplica(primary.port()); RawClient a = new RawClient(primary.port());
             RawClient b = new RawClient(primary.port()); RawClient c = new RawClient(primary.port());
             RawClient d = new RawClient(primary.port())) {
            r.send("REPLCONF", "capa", "eof", "capa", "psync2");
            assertThat(r.line()).isEqualTo("+OK");
            r.send("PSYNC", "?", "-1");
            long start = offsetIn(r.line(), null);
            r.payload();
            r.send("REPLCONF", "ACK", Long.toString(start));

            assertThat(a.callText("SET", "a", "1")).isEqualTo("+OK\r\n");
            long afterA = primary.node().replication().offset();
            assertThat(b.callText("SET", "b", "2")).isEqualTo("+OK\r\n");
            long afterB = primary.node().replication().offset();
            assertThat(afterB).isGreaterThan(afterA);
            r.send("REPLCONF", "ACK", Long.toString(afterA));
            assertThat(a.callText("WAIT", "1", "5000")).as("a's write is acknowledged").isEqualTo(":1\r\n");
            assertThat(b.callText("WAIT", "1", "300")).as("b's write is not").isEqualTo(":0\r\n");

            assertThat(c.callText("SET", "c", "3")).isEqualTo("+OK\r\n");
            long afterC = primary.node().replication().offset();
            r.send("REPLCONF", "ACK", Long.toString(afterC), "FACK", Long.toString(afterC - 1));
            assertThat(c.callText("WAITAOF", "0", "1", "300")).as("applied, not yet fsynced")
                    .isEqualTo("*2\r\n:0\r\n:0\r\n");

            assertThat(d.callText("SET", "d", "4")).isEqualTo("+OK\r\n");
            long afterD = primary.node().replication().offset();
            r.send("REPLCONF", "ACK", Long.toString(afterD), "FACK", "x"); // malformed: ignored
            r.send("REPLCONF", "ACK", Long.toString(afterD), "FACK", Long.toString(afterD));
            assertThat(d.callText("WAITAOF", "0", "1", "5000")).isEqualTo("*2\r\n:0\r\n:1\r\n");
        }
    }

    /**
     * A replica that stops reading keeps the stream it has not been sent: INFO memory counts it (the backlog's
     * share and the replicas' share of the buffer), used_memory includes it, and eviction leaves it out.
     */
    @Test
    void aStalledReplicasStreamIsCountedButNotEvictedFor() throws Exception {
        primary = LarderServer.start("--repl-diskless-sync-delay", "0", "--repl-backlog-size", "16384",
                "--client-output-buffer-limit", "replica 0 0 0", "--maxmemory-policy", "allkeys-random");
        try (RawClient c = new RawClient(primary.port()); FakeReplica r = new FakeReplica(primary.port())) {
            for (int i = 0; i < 100; i++) {
                c.call("SET", "key:" + i, "v" + i);
            }
            Map<String, Long> before = memoryInfo(c);
            assertThat(before.get("mem_total_replication_buffers")).isZero();
            r.send("PSYNC", "?", "-1");
            long start = offsetIn(r.line(), null);
            r.payload();
            r.send("REPLCONF", "ACK", Long.toString(start)); // the stream starts; the replica reads no more
            String big = "x".repeat(1 << 20);
            for (int i = 0; i < 40; i++) {
                c.call("SET", "big", big);
            }
            Map<String, Long> info = memoryInfo(c);
            long total = info.get("mem_total_replication_buffers");
            assertThat(total).as("most of 40 MB is waiting for the replica").isGreaterThan(20L << 20);
            assertThat(info.get("mem_replication_backlog")).isEqualTo(16384);
            assertThat(info.get("mem_clients_slaves")).isEqualTo(total - 16384);
            assertThat(info.get("mem_not_counted_for_evict")).isGreaterThan(total - 16384 - 2 * 16384 - 1)
                    .isLessThan(total - 16384);
            assertThat(info.get("used_memory")).isGreaterThan(total);
            assertThat(info.get("used_memory_overhead")).isGreaterThan(total);

            // maxmemory above what the data needs but far below used_memory: nothing is evicted for the stream
            long needed = info.get("used_memory") - info.get("mem_not_counted_for_evict");
            assertThat(c.callText("CONFIG", "SET", "maxmemory", Long.toString(needed + (4 << 20))))
                    .isEqualTo("+OK\r\n");
            assertThat(c.callText("SET", "one-more", "v")).isEqualTo("+OK\r\n");
            assertThat(c.callText("DBSIZE")).isEqualTo(":102\r\n");
            assertThat(c.callText("INFO", "stats")).contains("evicted_keys:0\r\n");
            assertThat(c.callText("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK\r\n");
        }
    }

    private static Map<String, Long> memoryInfo(RawClient c) throws IOException {
        Map<String, Long> fields = new java.util.HashMap<>();
        for (String line : c.callText("INFO", "memory").split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(colon + 1).matches("\\d+")) {
                fields.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1)));
            }
        }
        return fields;
    }

    @Test
    void oldSyncGetsADiskPayloadWithoutFullResyncLine() throws Exception {
        primary = LarderServer.start("--repl-diskless-sync", "no");
        try (RawClient c = new RawClient(primary.port()); FakeReplica r = new FakeReplica(primary.port())) {
            c.call("RPUSH", "list", "a", "b");
            r.send("SYNC");
            byte[] rdb = r.payload();
            assertThat(new String(rdb, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("REDIS");
            c.call("SELECT", "3");
            c.call("INCR", "n");
            assertThat(r.command()).isEqualTo(resp("SELECT", "3"));
            assertThat(r.command()).isEqualTo(resp("INCR", "n"));
            assertThat(c.callText("CLIENT", "LIST")).contains("flags=S ");
        }
    }

    @Test
    void aPromotedNodeContinuesItsOldHistoryUpToTheSecondOffset() throws Exception {
        primary = LarderServer.start("--repl-diskless-sync-delay", "0");
        Replication repl = primary.node().replication();
        try (RawClient c = new RawClient(primary.port())) {
            String oldId;
            long at;
            try (FakeReplica r = new FakeReplica(primary.port())) {
                r.send("PSYNC", "?", "-1");
                String full = r.line();
                oldId = repl.replId();
                long start = offsetIn(full, oldId);
                r.payload();
                c.call("SET", "a", "1");
                at = repl.offset();
                assertThat(at).isGreaterThan(start);
            }
            repl.shiftReplIds();
            assertThat(repl.replId2()).isEqualTo(oldId);
            assertThat(repl.secondOffset()).isEqualTo(at + 1);
            assertThat(repl.replId()).isNotEqualTo(oldId);
            c.call("SET", "b", "2");
            try (FakeReplica r = new FakeReplica(primary.port())) {
                r.send("REPLCONF", "capa", "psync2");
                r.line();
                r.send("PSYNC", oldId, Long.toString(at + 1));
                assertThat(r.line()).isEqualTo("+CONTINUE " + repl.replId());
                assertThat(r.command()).isEqualTo(resp("SET", "b", "2"));
            }
            try (FakeReplica r = new FakeReplica(primary.port())) {
                // Past second_repl_offset the old id's history is not this node's: a full resync.
                r.send("PSYNC", oldId, Long.toString(repl.offset() + 1));
                offsetIn(r.line(), repl.replId());
            }
            assertThat(c.callText("INFO", "stats")).contains("sync_partial_err:1\r\n");
        }
    }

    @Test
    void aReplicaForwardsItsPrimarysStreamVerbatimToItsOwnReplicas() throws Exception {
        primary = LarderServer.start();
        Replication repl = primary.node().replication();
        String upstream = "a".repeat(40);
        repl.becomeReplicaOf(upstream, 1000);
        assertThat(repl.replId()).isEqualTo(upstream);
        assertThat(repl.replId2()).isEqualTo(Replication.ZERO_ID);
        assertThat(repl.offset()).isEqualTo(1000);
        try (RawClient c = new RawClient(primary.port()); FakeReplica sub = new FakeReplica(primary.port())) {
            c.call("SET", "local", "1"); // a replica's own writes are not forwarded
            assertThat(repl.offset()).isEqualTo(1000);
            byte[] forwarded = resp("SET", "k", "from-upstream").getBytes(StandardCharsets.UTF_8);
            repl.feedVerbatim(forwarded, 0, forwarded.length);
            assertThat(repl.offset()).isEqualTo(1000 + forwarded.length);

            sub.send("REPLCONF", "capa", "psync2");
            sub.line();
            sub.send("PSYNC", upstream, "1001");
            assertThat(sub.line()).isEqualTo("+CONTINUE " + upstream);
            assertThat(sub.command()).isEqualTo(resp("SET", "k", "from-upstream"));

            byte[] applied = resp("INCR", "n").getBytes(StandardCharsets.UTF_8);
            repl.beginApplying();
            try {
                repl.feedVerbatim(applied, 0, applied.length);
            } finally {
                repl.endApplying();
            }
            assertThat(sub.command()).isEqualTo(resp("INCR", "n"));

            // A partial resync with a primary that changed its id: the old one stays good up to here.
            String promoted = "b".repeat(40);
            long at = repl.offset();
            repl.adoptReplId(promoted);
            assertThat(repl.replId()).isEqualTo(promoted);
            assertThat(repl.replId2()).isEqualTo(upstream);
            assertThat(repl.secondOffset()).isEqualTo(at + 1);

            long promotedAt = repl.offset();
            repl.shiftReplIds(); // promoted itself: its own writes now go to its replicas
            assertThat(repl.replicating()).isFalse();
            assertThat(repl.replId2()).isEqualTo(promoted);
            // As Redis, a changed id drops the sub-replicas (adoptReplId did already); they continue.
            assertThatThrownBy(sub::line).isInstanceOf(IOException.class);
            try (FakeReplica again = new FakeReplica(primary.port())) {
                again.send("REPLCONF", "capa", "psync2");
                again.line();
                again.send("PSYNC", promoted, Long.toString(promotedAt + 1));
                assertThat(again.line()).isEqualTo("+CONTINUE " + repl.replId());
                c.call("SET", "own", "2");
                assertThat(again.command()).isEqualTo(resp("SELECT", "0"));
                assertThat(again.command()).isEqualTo(resp("SET", "own", "2"));
            }
        }
    }

    @Test
    void replicasAreNotPausedByClientPause() throws Exception {
        primary = LarderServer.start("--repl-diskless-sync", "no");
        Replication repl = primary.node().replication();
        try (RawClient c = new RawClient(primary.port()); FakeReplica r = new FakeReplica(primary.port())) {
            r.send("PSYNC", "?", "-1");
            long start = offsetIn(r.line(), null);
            r.payload();
            assertThat(c.callText("CLIENT", "PAUSE", "5000", "ALL")).isEqualTo("+OK\r\n");
            r.send("REPLCONF", "ACK", Long.toString(start + 1000));
            long deadline = System.currentTimeMillis() + 3000;
            while (repl.onlineReplicas().isEmpty() || !repl.onlineReplicas().get(0)[2].equals(Long.toString(start + 1000))) {
                assertThat(System.currentTimeMillis()).as("the ACK was taken during the pause").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(c.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void ackGetsNoReplyAndPsyncNeedsAnIntegerOffset() throws Exception {
        primary = LarderServer.start();
        try (FakeReplica r = new FakeReplica(primary.port())) {
            r.send("REPLCONF", "ACK", "10");
            r.send("PSYNC", "?", "x");
            assertThat(r.line()).isEqualTo("-ERR value is not an integer or out of range");
            r.send("REPLCONF", "GETACK", "*");
            r.send("PING");
            assertThat(r.line()).isEqualTo("+PONG");
        }
        assertThat(primary.node().replication().connectedReplicas()).isZero();
    }
}
