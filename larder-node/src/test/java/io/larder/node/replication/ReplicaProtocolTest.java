package io.larder.node.replication;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The replica's side of the protocol byte by byte, against a scripted primary: the handshake with AUTH and the
 * announced address, keep-alive newlines, both snapshot forms, the first ACK after a diskless snapshot, the
 * offsets REPLCONF ACK reports on GETACK, and a partial resynchronisation that brings a new replication id.
 */
class ReplicaProtocolTest {
    private static final String MARK = "0123456789abcdef0123456789abcdef01234567";
    private static final String ID1 = "1111111111111111111111111111111111111111";
    private static final String ID2 = "2222222222222222222222222222222222222222";
    private static final String ID3 = "3333333333333333333333333333333333333333";
    private static final String GETACK = cmd("REPLCONF", "GETACK", "*");

    @ParameterizedTest(name = "repl-diskless-load {0}")
    @ValueSource(strings = {"disabled", "on-empty-db"})
    void speaksThePrimarysProtocol(String disklessLoad) throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        byte[] rdb = snapshotOfRedis();
        try (ServerSocket primary = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             LarderServer replica = LarderServer.start("--masterauth", "secret", "--masteruser", "repl",
                     "--replica-announce-ip", "10.1.2.3", "--repl-diskless-load", disklessLoad);
             Jedis r = new Jedis("127.0.0.1", replica.port())) {
            primary.setSoTimeout(10_000);
            ReplicaLink link = replica.node().replicaLink();
            String ownId = link.sink().replId();
            r.set("old", "gone after the full sync");
            r.replicaof("127.0.0.1", primary.getLocalPort());

            // First connection: handshake, diskless snapshot, stream.
            long offset;
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                assertThat(c.request()).containsExactly("PING");
                c.send("-NOAUTH Authentication required.\r\n");
                assertThat(c.request()).containsExactly("AUTH", "repl", "secret");
                assertThat(c.request()).containsExactly("REPLCONF", "listening-port", String.valueOf(replica.port()));
                assertThat(c.request()).containsExactly("REPLCONF", "ip-address", "10.1.2.3");
                assertThat(c.request()).containsExactly("REPLCONF", "capa", "eof", "capa", "psync2");
                c.send("+OK\r\n+OK\r\n+OK\r\n+OK\r\n");
                // A node turning replica offers its own history first.
                assertThat(c.request()).containsExactly("PSYNC", ownId, "1");
                c.send("\n\n+FULLRESYNC " + ID1 + " 1000\r\n\n\n");
                c.send("$EOF:" + MARK + "\r\n");
                c.send(rdb);
                c.send(MARK);
                assertThat(c.request()).as("a diskless snapshot is acknowledged at once")
                        .containsExactly("REPLCONF", "ACK", "1000");
                String stream = cmd("SELECT", "3") + cmd("SET", "k", "v") + cmd("MULTI") + cmd("INCR", "n")
                        + cmd("INCR", "n") + cmd("EXEC") + cmd("PING");
                c.send(stream);
                c.send(GETACK);
                offset = 1000 + stream.length();
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", String.valueOf(offset));
                offset += GETACK.length(); // counted once answered
                long deadline = System.currentTimeMillis() + 5000;
                while (link.appliedOffset() != offset) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(5);
                }
                r.select(3);
                assertThat(r.get("k")).isEqualTo("v");
                assertThat(r.get("n")).isEqualTo("2");
                r.select(0);
                assertThat(r.exists("old")).isFalse();
                assertThat(r.get("redis-key")).isEqualTo("from the snapshot");
                assertThat(link.appliedOffset()).isEqualTo(offset);
                assertThat(link.sink().replId()).isEqualTo(ID1);
                assertThat((Long) r.role().get(4)).isEqualTo(offset);
                // The once-a-second ACK.
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", String.valueOf(offset));
                // A half-received command does not count.
                c.send(cmd("SET", "half", "x").substring(0, 10));
                Thread.sleep(100);
                assertThat(link.appliedOffset()).isEqualTo(offset);
                assertThat(link.readOffset()).isEqualTo(offset + 10);
            }

            // Second connection: the link was cut; PSYNC continues from the applied offset; a new id arrives.
            long applied = offset;
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ID1, String.valueOf(applied + 1));
                c.send("+CONTINUE " + ID2 + "\r\n");
                String more = cmd("SET", "after", "continue");
                c.send(more + GETACK);
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", String.valueOf(applied + more.length()));
                applied += more.length() + GETACK.length(); // GETACK counts once answered
                r.select(3); // the stream's SELECT holds across the reconnection, as the primary assumes
                assertThat(r.get("after")).isEqualTo("continue");
                r.select(0);
                assertThat(link.sink().replId()).isEqualTo(ID2);
                assertThat(link.primaryReplId()).isEqualTo(ID2);
            }

            // Third connection: the primary refuses to continue; a disk-style snapshot with the stream right behind.
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ID2, String.valueOf(applied + 1));
                c.send("+FULLRESYNC " + ID3 + " 5000\r\n\n");
                ByteArrayOutputStream payload = new ByteArrayOutputStream();
                payload.writeBytes(("$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                payload.writeBytes(rdb);
                String tail = cmd("SET", "x", "y") + GETACK;
                payload.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
                c.send(payload.toByteArray());
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", String.valueOf(5000 + cmd("SET", "x", "y").length()));
                assertThat(r.get("x")).isEqualTo("y");
                r.select(3);
                assertThat(r.exists("k")).as("the data set was replaced").isFalse();
                r.select(0);
                assertThat(link.sink().replId()).isEqualTo(ID3);
                assertThat(r.info("replication")).contains("master_link_status:up");
            }

            // Fourth connection: a snapshot cut short. The history held is still offered afterwards.
            applied = 5000 + cmd("SET", "x", "y").length() + GETACK.length();
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ID3, String.valueOf(applied + 1));
                c.send("+FULLRESYNC " + "4".repeat(40) + " 9000\r\n$" + rdb.length + "\r\n");
                c.send(java.util.Arrays.copyOf(rdb, 10));
                long deadline = System.currentTimeMillis() + 5000;
                while (!r.info("replication").contains("master_sync_read_bytes:10")) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                assertThat(r.info("replication")).contains("master_sync_in_progress:1",
                        "master_sync_total_bytes:" + rdb.length, "master_sync_left_bytes:" + (rdb.length - 10),
                        "slave_repl_offset:" + applied);
            }
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ID3, String.valueOf(applied + 1));
                c.send("+CONTINUE\r\n" + cmd("SET", "resumed", "1"));
                long deadline = System.currentTimeMillis() + 5000;
                while (!"1".equals(r.get("resumed"))) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                assertThat(r.get("x")).as("the data set survived the cut snapshot").isEqualTo("y");
                // A primary silent for longer than repl-timeout is given up on, and connected to again.
                r.configSet("repl-timeout", "1");
                long start = System.currentTimeMillis();
                try (Socket again = primary.accept()) {
                    assertThat(new Conn(again).request()).containsExactly("PING");
                }
                assertThat(System.currentTimeMillis() - start).isBetween(900L, 5000L);
                assertThat(c.closed()).isTrue();
            }
        }
    }

    /**
     * repl-diskless-load swapdb: a snapshot of the same history is loaded aside while the old data is served
     * (only no-async-loading commands get LOADING), then swapped in; a snapshot that fails to load (here a bad
     * checksum) leaves the old data set in place. The load is held half-way by holding the stripe of the
     * snapshot's key.
     */
    @Test
    void swapdbServesTheOldDataWhileLoadingAndKeepsItWhenTheLoadFails() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        byte[] rdb = snapshotOfRedis();
        try (ServerSocket primary = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             LarderServer replica = LarderServer.start("--masterauth", "secret", "--masteruser", "repl",
                     "--replica-announce-ip", "10.1.2.3", "--repl-diskless-load", "swapdb");
             Jedis r = new Jedis("127.0.0.1", replica.port())) {
            primary.setSoTimeout(10_000);
            ReplicaLink link = replica.node().replicaLink();
            String ownId = link.sink().replId();
            var keyspace = replica.node().keyspace();
            int snapshotStripe = Keyspace.stripeOf("redis-key".getBytes(StandardCharsets.UTF_8));
            assertThat(Keyspace.stripeOf("old".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(snapshotStripe);
            r.replicaof("127.0.0.1", primary.getLocalPort());
            long offset;
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ownId, "1");
                c.send("+FULLRESYNC " + ID1 + " 1000\r\n$EOF:" + MARK + "\r\n");
                c.send(rdb);
                c.send(MARK);
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", "1000");
                String stream = cmd("SET", "old", "v1");
                c.send(stream + GETACK);
                offset = 1000 + stream.length();
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", String.valueOf(offset));
                offset += GETACK.length();
            }
            assertThat(r.get("old")).isEqualTo("v1");

            // The same history again, in full: loaded aside while "old" is still served.
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ID1, String.valueOf(offset + 1));
                c.send("+FULLRESYNC " + ID1 + " 2000\r\n$EOF:" + MARK + "\r\n");
                keyspace.lockStripe(snapshotStripe);
                try {
                    c.send(rdb);
                    c.send(MARK);
                    long deadline = System.currentTimeMillis() + 10_000;
                    while (!r.info("persistence").contains("async_loading:1")) {
                        assertThat(System.currentTimeMillis()).as("the load started").isLessThan(deadline);
                        Thread.sleep(5);
                    }
                    assertThat(r.info("persistence")).contains("loading:0\r\n");
                    assertThat(r.get("old")).as("the old data is served").isEqualTo("v1");
                    assertThatThrownBy(r::save).hasMessage("LOADING Redis is loading the dataset in memory");
                } finally {
                    keyspace.unlockStripe(snapshotStripe);
                }
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", "2000");
                assertThat(r.info("persistence")).contains("async_loading:0\r\n");
                assertThat(r.exists("old")).as("swapped in: the old data set is gone").isFalse();
                assertThat(r.get("redis-key")).isEqualTo("from the snapshot");
                String stream = cmd("SET", "marker", "kept");
                c.send(stream + GETACK);
                offset = 2000 + stream.length();
                assertThat(c.request()).containsExactly("REPLCONF", "ACK", String.valueOf(offset));
                offset += GETACK.length();
            }

            // Another history, and a snapshot that does not load: the data set stays as it was.
            byte[] corrupt = rdb.clone();
            corrupt[corrupt.length - 1] ^= 0x5a; // the checksum
            try (Socket s = primary.accept()) {
                Conn c = new Conn(s);
                handshake(c, replica.port());
                assertThat(c.request()).containsExactly("PSYNC", ID1, String.valueOf(offset + 1));
                c.send("+FULLRESYNC " + ID2 + " 3000\r\n$EOF:" + MARK + "\r\n");
                c.send(corrupt);
                c.send(MARK);
                assertThat(c.closed()).as("the replica gives the attempt up").isTrue();
            }
            assertThat(r.get("marker")).isEqualTo("kept");
            assertThat(r.get("redis-key")).isEqualTo("from the snapshot");
            assertThat(r.info("persistence")).contains("loading:0\r\n", "async_loading:0\r\n");
        }
    }

    private static void handshake(Conn c, int replicaPort) throws IOException {
        assertThat(c.request()).containsExactly("PING");
        c.send("+PONG\r\n");
        assertThat(c.request()).containsExactly("AUTH", "repl", "secret");
        assertThat(c.request()).containsExactly("REPLCONF", "listening-port", String.valueOf(replicaPort));
        assertThat(c.request()).containsExactly("REPLCONF", "ip-address", "10.1.2.3");
        assertThat(c.request()).containsExactly("REPLCONF", "capa", "eof", "capa", "psync2");
        c.send("+OK\r\n+OK\r\n+OK\r\n+OK\r\n");
    }

    /** A snapshot written by the real redis-server (one key), as a primary would send it. */
    private static byte[] snapshotOfRedis() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(); Jedis j = new Jedis("127.0.0.1", redis.port())) {
            j.set("redis-key", "from the snapshot");
            j.save();
            return Files.readAllBytes(Path.of(j.configGet("dir").get("dir"), "dump.rdb"));
        }
    }

    private static String cmd(String... args) {
        StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            s.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return s.toString();
    }

    /** The primary's end of one connection: reads the replica's requests, writes raw bytes. */
    private static final class Conn {
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket s) throws IOException {
            s.setSoTimeout(10_000);
            in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        List<String> request() throws IOException {
            String header = line();
            assertThat(header).startsWith("*");
            List<String> args = new ArrayList<>();
            for (int i = Integer.parseInt(header.substring(1)); i > 0; i--) {
                int len = Integer.parseInt(line().substring(1));
                args.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
                line();
            }
            return args;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("closed");
                }
                if (c != '\r') {
                    s.append((char) c);
                }
            }
            return s.toString();
        }

        /** True once the replica closed its end (reads end of stream; the ACKs it sent before are skipped). */
        boolean closed() throws IOException {
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (java.net.SocketException e) {
                    return true;
                }
                if (b < 0) {
                    return true;
                }
            }
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.US_ASCII));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }
    }
}
