package io.larder.node.replication;

import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.testing.LarderServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A replica in a chain hands its primary's stream to its own replicas byte for byte, whatever form the primary
 * gave it (inline commands, empty lines, requests split across reads), so offsets agree at every level; and it
 * forwards a MULTI ... EXEC block only once the EXEC is applied.
 */
class ReplicaForwardingTest {
    private static final String ID = "5".repeat(40);

    @Test
    void forwardsThePrimarysBytesVerbatimAndTransactionsWhole() throws Exception {
        byte[] rdb = emptySnapshot();
        try (ServerSocket primary = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             LarderServer replica = LarderServer.start();
             Jedis r = new Jedis("127.0.0.1", replica.port())) {
            primary.setSoTimeout(10_000);
            ReplicaLink link = replica.node().replicaLink();
            r.replicaof("127.0.0.1", primary.getLocalPort());
            try (Socket s = primary.accept()) {
                s.setSoTimeout(10_000);
                InputStream fromReplica = new BufferedInputStream(s.getInputStream());
                OutputStream toReplica = s.getOutputStream();
                skipHandshake(fromReplica, toReplica);
                send(toReplica, "+FULLRESYNC " + ID + " 1000\r\n$" + rdb.length + "\r\n");
                send(toReplica, rdb);
                awaitOffset(link, 1000);
                long deadline = System.currentTimeMillis() + 10_000;
                while (!r.info("replication").contains("master_link_status:up")) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(5);
                }

                try (Socket sub = new Socket("127.0.0.1", replica.port())) {
                    sub.setSoTimeout(10_000);
                    InputStream subIn = new BufferedInputStream(sub.getInputStream());
                    send(sub.getOutputStream(), cmd("REPLCONF", "capa", "psync2"));
                    assertThat(line(subIn)).isEqualTo("+OK");
                    send(sub.getOutputStream(), cmd("PSYNC", ID, "1001"));
                    assertThat(line(subIn)).isEqualTo("+CONTINUE " + ID);

                    // Not RESP as Larder or Redis would write it, but a valid stream all the same.
                    String stream = "SET inline 1\r\n" + "\r\n" + "*3\r\n$3\r\nset\r\n$5\r\nsplit\r\n$10\r\n0123456789\r\n";
                    int cut = stream.indexOf("01234"); // a request split inside an argument
                    send(toReplica, stream.substring(0, cut));
                    Thread.sleep(50);
                    send(toReplica, stream.substring(cut));
                    assertThat(new String(subIn.readNBytes(stream.length()), StandardCharsets.US_ASCII))
                            .isEqualTo(stream);
                    awaitOffset(link, 1000 + stream.length());
                    assertThat(r.get("inline")).isEqualTo("1");
                    assertThat(r.get("split")).isEqualTo("0123456789");
                    assertThat(replica.node().replication().offset()).isEqualTo(1000 + stream.length());

                    // A transaction reaches the sub-replica only with its EXEC, applied.
                    String open = cmd("MULTI") + cmd("INCR", "n");
                    send(toReplica, open);
                    sub.setSoTimeout(300);
                    assertThatThrownBy(subIn::read).isInstanceOf(SocketTimeoutException.class);
                    assertThat(r.exists("n")).isFalse();
                    sub.setSoTimeout(10_000);
                    send(toReplica, cmd("EXEC"));
                    String block = open + cmd("EXEC");
                    assertThat(new String(subIn.readNBytes(block.length()), StandardCharsets.US_ASCII))
                            .isEqualTo(block);
                    assertThat(r.get("n")).isEqualTo("1");
                    assertThat(replica.node().replication().offset()).isEqualTo(1000 + stream.length() + block.length());
                }
            }
        }
    }

    private static void awaitOffset(ReplicaLink link, long offset) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (link.appliedOffset() != offset) {
            assertThat(System.currentTimeMillis()).as("applied offset %d", offset).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** PING, then REPLCONF listening-port and capa: each answered, as a primary does. */
    private static void skipHandshake(InputStream in, OutputStream out) throws IOException {
        assertThat(request(in)).isEqualTo("PING");
        send(out, "+PONG\r\n");
        assertThat(request(in)).startsWith("REPLCONF listening-port");
        assertThat(request(in)).startsWith("REPLCONF capa");
        send(out, "+OK\r\n+OK\r\n");
        assertThat(request(in)).startsWith("PSYNC ");
    }

    /** A snapshot of an empty data set, written by a Larder node. */
    private static byte[] emptySnapshot() throws Exception {
        try (LarderServer source = LarderServer.start(); Jedis j = new Jedis("127.0.0.1", source.port())) {
            j.save();
            return Files.readAllBytes(Path.of(j.configGet("dir").get("dir"), j.configGet("dbfilename").get("dbfilename")));
        }
    }

    /** One request as its arguments joined by spaces. */
    private static String request(InputStream in) throws IOException {
        String header = line(in);
        StringBuilder args = new StringBuilder();
        for (int i = Integer.parseInt(header.substring(1)); i > 0; i--) {
            int len = Integer.parseInt(line(in).substring(1));
            args.append(args.isEmpty() ? "" : " ").append(new String(in.readNBytes(len), StandardCharsets.UTF_8));
            line(in);
        }
        return args.toString();
    }

    private static String line(InputStream in) throws IOException {
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

    private static String cmd(String... args) {
        StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            s.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return s.toString();
    }

    private static void send(OutputStream out, String text) throws IOException {
        send(out, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void send(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}
