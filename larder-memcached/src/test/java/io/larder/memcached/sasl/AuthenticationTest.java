package io.larder.memcached.sasl;

import io.larder.memcached.testing.BinaryFrames;
import io.larder.memcached.testing.BinaryFrames.Response;
import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** SASL over the binary protocol (-S) and memcached's ASCII authentication (-Y), byte by byte. */
class AuthenticationTest {
    private static final int GET = 0x00;
    private static final int VERSION = 0x0b;
    private static final int LIST_MECHS = 0x20;
    private static final int AUTH = 0x21;
    private static final int STEP = 0x22;

    private static Path users(Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "# test users\nalice:s3cret\n\nbob:pa:ss\n");
        return f;
    }

    @Test
    void binaryCommandsNeedSaslFirst(@TempDir Path dir) throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-S", "-o", "sasl_pwdb=" + users(dir));
             RawConnection c = new RawConnection(larder.port())) {
            c.send(BinaryFrames.request(VERSION, ""));
            assertThat(BinaryFrames.read(c).value()).isEqualTo("1.6.18");
            c.send(BinaryFrames.request(LIST_MECHS, ""));
            assertThat(BinaryFrames.read(c).value()).isEqualTo("CRAM-MD5 PLAIN");
            c.send(BinaryFrames.request(GET, "k"));
            Response denied = BinaryFrames.read(c);
            assertThat(denied.status()).isEqualTo(0x20);
            assertThat(denied.value()).isEqualTo("Auth failure.");
            assertThat(c.readToEnd(1000)).asString().isEqualTo("<closed>");
        }
    }

    @Test
    void plainAndCramMd5(@TempDir Path dir) throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-S", "-o", "sasl_pwdb=" + users(dir))) {
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.request(AUTH, "PLAIN", new byte[0], "\0alice\0wrong", 0));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x20);
                c.send(BinaryFrames.request(AUTH, "PLAIN", new byte[0], "\0nobody\0s3cret", 0));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x20);
                c.send(BinaryFrames.request(AUTH, "PLAIN", new byte[0], "\0bob\0pa:ss", 0));
                Response ok = BinaryFrames.read(c);
                assertThat(ok.status()).isZero();
                assertThat(ok.value()).isEqualTo("Authenticated");
                c.send(BinaryFrames.request(GET, "k"));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x01);
            }
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.request(AUTH, "CRAM-MD5", new byte[0], "", 0));
                Response challenge = BinaryFrames.read(c);
                assertThat(challenge.status()).isEqualTo(0x21);
                Mac mac = Mac.getInstance("HmacMD5");
                mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacMD5"));
                String digest = HexFormat.of().formatHex(
                        mac.doFinal(challenge.value().getBytes(StandardCharsets.ISO_8859_1)));
                c.send(BinaryFrames.request(STEP, "CRAM-MD5", new byte[0], "alice " + digest, 0));
                assertThat(BinaryFrames.read(c).status()).isZero();
                c.send(BinaryFrames.request(GET, "k"));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x01);
            }
            try (RawConnection c = new RawConnection(larder.port())) {
                c.send(BinaryFrames.request(STEP, "CRAM-MD5", new byte[0], "alice 00", 0));
                assertThat(BinaryFrames.read(c).status()).isEqualTo(0x20);
            }
            assertThat(larder.server().stats().authErrors.sum()).isEqualTo(3);
        }
    }

    @Test
    void textConnectionsAreRefusedUnderSasl(@TempDir Path dir) throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-S", "-o", "sasl_pwdb=" + users(dir));
             RawConnection c = new RawConnection(larder.port())) {
            c.send("get k\r\n");
            assertThat(c.readToEnd(1000)).asString().isEqualTo("<closed>");
        }
    }

    @Test
    void asciiAuthenticationWithAuthFile(@TempDir Path dir) throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-Y", users(dir).toString());
             RawConnection c = new RawConnection(larder.port())) {
            byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
            c.send("get k\r\n");
            assertThat(c.readUntil(crlf)).asString().isEqualTo("CLIENT_ERROR unauthenticated\r\n");
            c.send("set x 0 0 12\r\nalice wrong!\r\n");
            assertThat(c.readUntil(crlf)).asString().isEqualTo("CLIENT_ERROR authentication failure\r\n");
            c.send("set x 0 0 5\r\nalice\r\n");
            assertThat(c.readUntil(crlf)).asString().isEqualTo("CLIENT_ERROR bad authentication token format\r\n");
            c.send("set x 0 0 12\r\nalice s3cret\r\n");
            assertThat(c.readUntil(crlf)).asString().isEqualTo("STORED\r\n");
            c.send("set k 0 0 1\r\nv\r\nget k\r\n");
            assertThat(c.readUntil("END\r\n".getBytes())).asString()
                    .isEqualTo("STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n");
            try (RawConnection binary = new RawConnection(larder.port())) {
                binary.send(BinaryFrames.request(GET, "k"));
                assertThat(binary.readToEnd(1000)).asString().isEqualTo("<closed>");
            }
        }
    }
}
