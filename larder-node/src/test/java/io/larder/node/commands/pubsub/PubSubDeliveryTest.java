package io.larder.node.commands.pubsub;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery under load, on both servers: subscribers that stop reading are disconnected by
 * client-output-buffer-limit (hard and soft) while the node and other subscribers carry on; messages never
 * overtake a subscription's confirmation although PUBLISH runs on another event loop.
 */
class PubSubDeliveryTest extends OracleTestBase {
    private static final byte[] BIG = new byte[64 * 1024];

    @AfterEach
    void restoreConfig() throws IOException {
        for (int port : new int[]{redis.port(), larder.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 33554432 8388608 60");
                c.call("CONFIG", "SET", "timeout", "0");
            }
        }
    }

    /** The idle timeout closes an ordinary idle connection but never a subscriber's. */
    @Test
    void subscribersDoNotTimeOut() throws Exception {
        for (int port : new int[]{redis.port(), larder.port()}) {
            try (RawClient admin = new RawClient(port); RawClient idle = new RawClient(port);
                 RawClient subscriber = new RawClient(port); RawClient shard = new RawClient(port)) {
                assertThat(subscriber.callText("SUBSCRIBE", "idle:ch")).endsWith(":1\r\n");
                assertThat(shard.callText("SSUBSCRIBE", "idle:s")).endsWith(":1\r\n");
                assertThat(idle.callText("PING")).isEqualTo("+PONG\r\n");
                assertThat(admin.callText("CONFIG", "SET", "timeout", "1")).isEqualTo("+OK\r\n");
                long deadline = System.currentTimeMillis() + 10_000;
                boolean idleClosed = false;
                while (!idleClosed && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                    admin.call("PING");
                    idleClosed = admin.callText("CLIENT", "LIST").split("id=", -1).length == 4;
                }
                assertThat(idleClosed).as("port %d: the idle ordinary client was closed", port).isTrue();
                assertThat(idle.closedByServer()).isTrue();
                assertThat(admin.callText("PUBLISH", "idle:ch", "still here")).isEqualTo(":1\r\n");
                subscriber.send("PING".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(subscriber.readReply(), StandardCharsets.US_ASCII))
                        .isEqualTo("*3\r\n$7\r\nmessage\r\n$7\r\nidle:ch\r\n$10\r\nstill here\r\n");
                assertThat(new String(subscriber.readReply(), StandardCharsets.US_ASCII))
                        .isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
                assertThat(admin.callText("SPUBLISH", "idle:s", "still here")).isEqualTo(":1\r\n");
            }
        }
    }

    @Test
    void subscriberOverTheHardLimitIsDisconnected() throws Exception {
        for (int port : new int[]{redis.port(), larder.port()}) {
            floodUntilDisconnected(port, "pubsub 1048576 0 0", 0);
        }
    }

    @Test
    void subscriberOverTheSoftLimitForTooLongIsDisconnected() throws Exception {
        for (int port : new int[]{redis.port(), larder.port()}) {
            floodUntilDisconnected(port, "pubsub 0 262144 1", 20);
        }
    }

    /**
     * One subscriber that never reads and one that does, on the same channel; 64 KiB messages until PUBLISH
     * counts only the reader. The reader must get every message and the node must keep serving.
     */
    private void floodUntilDisconnected(int port, String limit, long pauseMillis) throws Exception {
        try (RawClient admin = new RawClient(port);
             Socket slow = new Socket();
             RawClient reader = new RawClient(port);
             RawClient publisher = new RawClient(port)) {
            assertThat(admin.callText("CONFIG", "SET", "client-output-buffer-limit", limit)).isEqualTo("+OK\r\n");
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            slow.setSoTimeout(20_000);
            slow.getOutputStream().write(RawClient.encode("SUBSCRIBE".getBytes(), "flood".getBytes()));
            byte[] confirmation = "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(slow.getInputStream().readNBytes(confirmation.length)).isEqualTo(confirmation);
            assertThat(reader.callText("SUBSCRIBE", "flood")).endsWith(":1\r\n");

            AtomicInteger received = new AtomicInteger();
            AtomicReference<Throwable> readerFailure = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread readerThread = new Thread(() -> {
                try {
                    while (!done.get() || received.get() < 0) {
                        reader.readReply();
                        received.incrementAndGet();
                    }
                } catch (Throwable t) {
                    if (!done.get()) {
                        readerFailure.set(t);
                    }
                }
            });
            readerThread.setDaemon(true);
            readerThread.start();

            int published = 0;
            boolean dropped = false;
            long deadline = System.currentTimeMillis() + 30_000;
            while (published < 2000 && System.currentTimeMillis() < deadline) {
                String count = new String(publisher.call("PUBLISH".getBytes(), "flood".getBytes(), BIG),
                        StandardCharsets.US_ASCII);
                published++;
                if (count.equals(":1\r\n")) {
                    dropped = true;
                    break;
                }
                assertThat(count).as("port %d (redis-server is %d), message %d, the reader had %d", port, redis.port(),
                        published, received.get()).isEqualTo(":2\r\n");
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
            assertThat(dropped).as("port %d: the non-reading subscriber was disconnected (%d messages)", port, published)
                    .isTrue();
            int expected = published;
            long waitUntil = System.currentTimeMillis() + 10_000;
            while (received.get() < expected && System.currentTimeMillis() < waitUntil) {
                Thread.sleep(10);
            }
            done.set(true);
            assertThat(readerFailure.get()).isNull();
            assertThat(received.get()).as("messages the reading subscriber got").isEqualTo(expected);

            // The slow socket drains what the kernel still held, then sees the end of the stream.
            InputStream in = slow.getInputStream();
            byte[] chunk = new byte[65536];
            while (in.read(chunk) != -1) {
                // discard
            }
            assertThat(publisher.callText("PUBSUB", "NUMSUB", "flood")).isEqualTo("*2\r\n$5\r\nflood\r\n:1\r\n");
            assertThat(admin.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(admin.callText("CLIENT", "LIST", "TYPE", "pubsub").split("id=", -1)).hasSize(2); // the reader
        }
    }

    /**
     * A publisher on another connection floods a channel while a subscriber joins and leaves it: the first
     * thing the subscriber reads after SUBSCRIBE is always the confirmation, and nothing of the channel follows
     * the UNSUBSCRIBE confirmation (a RESP2 client would take it for the reply to its next command).
     */
    @Test
    void messagesStayBetweenTheConfirmations() throws Exception {
        for (int port : new int[]{redis.port(), larder.port()}) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread flood = new Thread(() -> {
                try (RawClient publisher = new RawClient(port)) {
                    int i = 0;
                    while (!stop.get()) {
                        publisher.call("PUBLISH", "race", "m" + i++);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            flood.start();
            int messages = 0;
            try (RawClient sub = new RawClient(port)) {
                for (int round = 0; round < 200; round++) {
                    assertThat(sub.callText("SUBSCRIBE", "race"))
                            .isEqualTo("*3\r\n$9\r\nsubscribe\r\n$4\r\nrace\r\n:1\r\n");
                    sub.send("UNSUBSCRIBE".getBytes(StandardCharsets.US_ASCII), "race".getBytes(StandardCharsets.US_ASCII));
                    sub.send("PING".getBytes(StandardCharsets.US_ASCII));
                    String reply;
                    while (!(reply = new String(sub.readReply(), StandardCharsets.US_ASCII))
                            .equals("*3\r\n$11\r\nunsubscribe\r\n$4\r\nrace\r\n:0\r\n")) {
                        assertThat(reply).startsWith("*3\r\n$7\r\nmessage\r\n$4\r\nrace\r\n");
                        messages++;
                    }
                    assertThat(new String(sub.readReply(), StandardCharsets.US_ASCII)).as("port %d round %d", port, round)
                            .isEqualTo("+PONG\r\n");
                }
            } finally {
                stop.set(true);
                flood.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(messages).as("messages received while subscribed on port %d", port).isPositive();
        }
    }
}
