package io.larder.memcached.server;

import io.larder.memcached.testing.BinaryFrames;
import io.larder.memcached.testing.BinaryFrames.Response;
import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.RawConnection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Garbage, impossible sizes and floods: memcached's answers, no crash, other connections unaffected. */
class BadInputTest {
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private static void assertServes(int port) throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send("version\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("VERSION 1.6.18\r\n");
        }
    }

    @Test
    void aLongLineThatIsNotAGetClosesTheConnection() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start();
             RawConnection bystander = new RawConnection(larder.port());
             RawConnection c = new RawConnection(larder.port())) {
            c.send("set " + "x".repeat(5000));
            assertThat(c.readToEnd(2000)).asString().isEqualTo("<closed>");
            bystander.send("set k 0 0 1\r\nv\r\n");
            assertThat(bystander.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
        }
    }

    @Test
    void aLongMultiGetIsServed() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start();
             RawConnection c = new RawConnection(larder.port())) {
            c.send("set key7 0 0 1\r\nv\r\n");
            c.readUntil(CRLF);
            StringBuilder line = new StringBuilder("get");
            for (int i = 0; i < 2000; i++) {
                line.append(" key").append(i);
            }
            c.send(line + "\r\n");
            assertThat(c.readUntil("END\r\n".getBytes())).asString().isEqualTo("VALUE key7 0 1\r\nv\r\nEND\r\n");
        }
    }

    @Test
    void textGarbageGetsErrorLines() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start();
             RawConnection c = new RawConnection(larder.port())) {
            c.send("\u00ff\u0001\u0002garbage\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("ERROR\r\n");
            c.send("set k 0 0 2000000000\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("SERVER_ERROR object too large for cache\r\n");
        }
    }

    @Test
    void impossibleBinaryFrames() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start()) {
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.header(0x00, 10, 0, 5));
                Response r = BinaryFrames.read(c);
                assertThat(r.status()).isEqualTo(0x81);
                assertThat(c.readToEnd(1000)).asString().isEqualTo("<closed>");
            }
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.request(0x00, "k".repeat(251)));
                Response r = BinaryFrames.read(c);
                assertThat(r.status()).isEqualTo(0x04);
                assertThat(r.value()).isEqualTo("Invalid arguments");
                assertThat(c.readToEnd(1000)).asString().isEqualTo("<closed>");
            }
            try (RawConnection c = new RawConnection(larder.port())) {
                // A GET carrying extras has an impossible shape.
                c.send(BinaryFrames.request(0x00, "k", new byte[4], "", 0));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x04);
                assertThat(c.readToEnd(1000)).asString().isEqualTo("<closed>");
            }
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.header(0x01, 1, 8, 0xfffffff0L));
                c.send(new byte[9]);
                Response r = BinaryFrames.read(c);
                assertThat(r.status()).isEqualTo(0x03);
                assertThat(r.value()).isEqualTo("Too large.");
            }
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.request(0x01, "big", BinaryFrames.ints(0, 0), "x".repeat(2 * 1024 * 1024), 0));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x03);
                c.send(BinaryFrames.request(0x55, "", new byte[0], "payload", 0));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x81);
                c.send(BinaryFrames.request(0x0b, ""));
                assertThat(BinaryFrames.read(c).value()).isEqualTo("1.6.18");
                c.send(new byte[]{0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                assertThat(c.readToEnd(1000)).asString().isEqualTo("<closed>");
            }
            assertServes(larder.port());
        }
    }

    @Test
    void connectionsBeyondTheLimitAreTurnedAway() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-c", "4")) {
            List<RawConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawConnection c = new RawConnection(larder.port());
                    c.send("version\r\n");
                    assertThat(c.readUntil(CRLF)).asString().isEqualTo("VERSION 1.6.18\r\n");
                    open.add(c);
                }
                for (int i = 0; i < 20; i++) {
                    try (RawConnection extra = new RawConnection(larder.port())) {
                        assertThat(extra.readToEnd(2000)).asString()
                                .isEqualTo("ERROR Too many open connections\r\n<closed>");
                    }
                }
                for (RawConnection c : open) {
                    c.send("version\r\n");
                    assertThat(c.readUntil(CRLF)).asString().isEqualTo("VERSION 1.6.18\r\n");
                }
                assertThat(larder.server().stats().rejectedConnections.sum()).isEqualTo(20);
            } finally {
                for (RawConnection c : open) {
                    c.close();
                }
            }
            Thread.sleep(200);
            assertServes(larder.port());
        }
    }

    @Test
    void randomBytesNeverTakeTheServerDown() throws Exception {
        Random random = new Random(20261127);
        try (LarderMemcached larder = LarderMemcached.start()) {
            String[] words = {"get", "set", "gets", "cas", "incr", "mg", "ms", "md", "ma", "me", "delete", "touch",
                    "gat", "stats", "flush_all", "noreply", "0", "-1", "99999999999", "k", "\r\n", " ", "\n"};
            for (int round = 0; round < 200; round++) {
                try (RawConnection c = new RawConnection(larder.port())) {
                    byte[] bytes;
                    if (round % 2 == 0) {
                        bytes = new byte[random.nextInt(400)];
                        random.nextBytes(bytes);
                        if (round % 4 == 0 && bytes.length > 0) {
                            bytes[0] = (byte) 0x80;
                        }
                    } else {
                        StringBuilder sb = new StringBuilder();
                        for (int i = random.nextInt(40); i > 0; i--) {
                            sb.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
                        }
                        bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
                    }
                    c.send(bytes);
                    c.readToEnd(5);
                }
            }
            assertServes(larder.port());
        }
    }

    /** A client that pipelines far more replies than it reads gets them all, in order, once it reads. */
    @Test
    void aClientThatStopsReadingGetsEveryReplyLater() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start();
             RawConnection c = new RawConnection(larder.port())) {
            String value = "z".repeat(200_000);
            c.send("set big 0 0 " + value.length() + "\r\n" + value + "\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
            StringBuilder gets = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                gets.append("get big\r\n");
            }
            gets.append("set last 0 0 1\r\nx\r\nget last\r\n");
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    c.send(gets.toString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            byte[] one = ("VALUE big 0 200000\r\n" + value + "\r\nEND\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 300; i++) {
                assertThat(c.read(one.length)).isEqualTo(one);
            }
            assertThat(c.readUntil("END\r\n".getBytes())).asString()
                    .isEqualTo("STORED\r\nVALUE last 0 1\r\nx\r\nEND\r\n");
            writer.join();
        }
    }
}
