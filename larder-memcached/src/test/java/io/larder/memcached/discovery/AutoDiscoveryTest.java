package io.larder.memcached.discovery;

import io.larder.memcached.testing.BinaryFrames;
import io.larder.memcached.testing.BinaryFrames.Response;
import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.RawConnection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** ElastiCache auto discovery in ElastiCache's wire format, and the authenticated admin command that changes it. */
class AutoDiscoveryTest {
    private static final byte[] END = "END\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aLoneNodeListsItself() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-o", "discovery_hostname=cache1.example");
             RawConnection c = new RawConnection(larder.port())) {
            String body = "1\ncache1.example|127.0.0.1|" + larder.port() + "\n";
            c.send("config get cluster\r\n");
            assertThat(c.readUntil(END)).asString()
                    .isEqualTo("CONFIG cluster 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n");
            c.send("get AmazonElastiCache:cluster\r\n");
            assertThat(c.readUntil(END)).asString()
                    .isEqualTo("VALUE AmazonElastiCache:cluster 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n");
            c.send("config get nothing\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("ERROR\r\n");
        }
        try (LarderMemcached larder = LarderMemcached.start("-o", "discovery_hostname=cache1.example");
             RawConnection c = new RawConnection(larder.port())) {
            c.send(BinaryFrames.request(0x60, "cluster"));
            Response r = BinaryFrames.read(c);
            assertThat(r.status()).isZero();
            assertThat(r.extrasLength()).isEqualTo(4);
            assertThat(r.value()).isEqualTo("1\ncache1.example|127.0.0.1|" + larder.port() + "\n");
        }
    }

    @Test
    void configSetNeedsTheTokenAndBumpsTheVersion() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-o", "discovery_token=secret");
             RawConnection c = new RawConnection(larder.port())) {
            String nodes = "a.example|10.0.0.1|11211 b.example|10.0.0.2|11211";
            c.send("config set cluster wrong " + nodes.length() + "\r\n" + nodes + "\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("CLIENT_ERROR authentication failure\r\n");
            c.send("config set cluster secret 5\r\nbogus\r\n");
            assertThat(c.readUntil(CRLF)).asString()
                    .isEqualTo("CLIENT_ERROR bad node entry (expected host|ip|port)\r\n");
            c.send("config set cluster secret " + nodes.length() + "\r\n" + nodes + "\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
            c.send("config get cluster\r\n");
            String body = "2\n" + nodes + "\n";
            assertThat(c.readUntil(END)).asString()
                    .isEqualTo("CONFIG cluster 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n");
            c.send("config set cluster secret " + nodes.length() + " noreply\r\n" + nodes + "\r\nconfig get cluster\r\n");
            assertThat(c.readUntil(END)).asString().startsWith("CONFIG cluster 0 " + body.length() + "\r\n3\n");
        }
        try (LarderMemcached larder = LarderMemcached.start("-o", "discovery_token=secret");
             RawConnection c = new RawConnection(larder.port())) {
            // The control plane owns the version: a leading version line sets it, higher or lower.
            String owned = "41\n" + "a.example|10.0.0.1|11211";
            c.send("config set cluster secret " + owned.length() + "\r\n" + owned + "\r\nconfig get cluster\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
            assertThat(c.readUntil(END)).asString()
                    .isEqualTo("CONFIG cluster 0 28\r\n41\na.example|10.0.0.1|11211\n\r\nEND\r\n");
            String lower = "7\nb.example|10.0.0.2|11211\n";
            c.send("config set cluster secret " + lower.length() + "\r\n" + lower + "\r\nconfig get cluster\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
            assertThat(c.readUntil(END)).asString().startsWith("CONFIG cluster 0 27\r\n7\nb.example|10.0.0.2|11211\n");
            String noNodes = "8\n";
            c.send("config set cluster secret " + noNodes.length() + "\r\n" + noNodes + "\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("CLIENT_ERROR empty node list\r\n");
        }
        try (LarderMemcached larder = LarderMemcached.start();
             RawConnection c = new RawConnection(larder.port())) {
            c.send("config set cluster anything 3\r\nx|y\r\n");
            assertThat(c.readUntil(CRLF)).asString()
                    .isEqualTo("CLIENT_ERROR config set is disabled (no discovery_token)\r\n");
        }
    }
}
