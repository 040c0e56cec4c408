package io.larder.node.tls;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import io.larder.tls.ca.IssuedCertificate;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS on tls-port beside the plain port: redis-cli, Jedis and Lettuce, with and without client certificates as
 * tls-auth-clients asks, certificate reload by CONFIG SET, and clean failures for the wrong kind of client on
 * either port. Every certificate is made by Larder's own CA code.
 */
class TlsTest {
    private static final String REDIS_CLI = "/usr/bin/redis-cli";

    @TempDir
    Path dir;
    private TestCertificates certs;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void makeCertificates() throws Exception {
        certs = new TestCertificates(dir);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A node with a plain port and a TLS port; returns the TLS port. */
    private int startNode(LarderServer[] holder, String... extra) throws Exception {
        int tlsPort = RedisServerProcess.freePort();
        List<String> options = new ArrayList<>(certs.nodeOptions(tlsPort));
        options.addAll(List.of(extra));
        holder[0] = keep(LarderServer.start(options.toArray(String[]::new)));
        return tlsPort;
    }

    @Test
    void redisCliWithAndWithoutClientCertificate() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        // tls-auth-clients yes (the default): a certificate is required
        assertThat(cli(tlsPort, true, "set", "k", "over tls")).isEqualTo(new Result(0, "OK\n"));
        assertThat(cli(tlsPort, true, "get", "k")).isEqualTo(new Result(0, "over tls\n"));
        Result refused = cli(tlsPort, false, "ping");
        assertThat(refused.out()).doesNotContain("PONG");
        assertThat(refused.exit()).isNotZero();
        // tls-auth-clients no: the CA certificate alone is enough
        try (Jedis plain = new Jedis("127.0.0.1", node[0].port())) {
            assertThat(plain.configSet("tls-auth-clients", "no")).isEqualTo("OK");
        }
        assertThat(cli(tlsPort, false, "get", "k")).isEqualTo(new Result(0, "over tls\n"));
    }

    @Test
    void jedisOverTls() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        try (Jedis jedis = jedis(tlsPort, certs.client)) {
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
            assertThat(jedis.incrBy("n", 5)).isEqualTo(5);
        }
        // no certificate while one is required: the handshake is refused
        assertThatThrownBy(() -> {
            try (Jedis jedis = jedis(tlsPort, null)) {
                jedis.ping();
            }
        }).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        // nor is a certificate from another CA accepted
        assertThatThrownBy(() -> {
            try (Jedis jedis = jedis(tlsPort, certs.stranger)) {
                jedis.ping();
            }
        }).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
    }

    @Test
    void lettuceOverTlsWithFullPeerVerification() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        try (StatefulRedisConnection<String, String> c = lettuce(tlsPort, true).connect()) {
            assertThat(c.sync().set("k", "lettuce")).isEqualTo("OK");
            assertThat(c.sync().get("k")).isEqualTo("lettuce");
        }
        RedisClient noCertificate = lettuce(tlsPort, false);
        assertThatThrownBy(() -> noCertificate.connect().sync().ping()).isInstanceOf(RedisConnectionException.class);
        try (Jedis plain = new Jedis("127.0.0.1", node[0].port())) {
            plain.configSet("tls-auth-clients", "no");
        }
        try (StatefulRedisConnection<String, String> c = noCertificate.connect()) {
            assertThat(c.sync().get("k")).isEqualTo("lettuce");
        }
    }

    @Test
    void optionalClientAuthenticationAcceptsNoCertificateButRefusesAnUntrustedOne() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node, "--tls-auth-clients", "optional");
        try (Jedis jedis = jedis(tlsPort, null)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
        try (Jedis jedis = jedis(tlsPort, certs.client)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
        assertThatThrownBy(() -> {
            try (Jedis jedis = jedis(tlsPort, certs.stranger)) {
                jedis.ping();
            }
        }).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        try (StatefulRedisConnection<String, String> c = lettuce(tlsPort, false).connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        }
    }

    @Test
    void certificateReloadKeepsConnectedClientsAndServesNewOnesTheNewCertificate() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        X509Certificate before = peerCertificate(tlsPort);
        assertThat(before).isEqualTo(certs.node.certificate());
        IssuedCertificate renewed = certs.issueNode("renewed");
        try (Jedis connected = jedis(tlsPort, certs.client)) {
            connected.set("k", "v");
            assertThat(connected.configSet("tls-cert-file", certs.path("renewed.crt"), "tls-key-file",
                    certs.path("renewed.key"))).isEqualTo("OK");
            assertThat(connected.get("k")).isEqualTo("v"); // the open session goes on
            assertThat(peerCertificate(tlsPort)).isEqualTo(renewed.certificate());
            try (Jedis fresh = jedis(tlsPort, certs.client)) {
                assertThat(fresh.get("k")).isEqualTo("v");
            }
            assertThat(connected.configGet("tls-cert-file").get("tls-cert-file")).isEqualTo(certs.path("renewed.crt"));
        }
    }

    @Test
    void aFailedReloadIsRefusedAndTheOldCertificateStays() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        try (Jedis jedis = jedis(tlsPort, certs.client)) {
            // a certificate alone, with the old key: they do not match
            certs.issueNode("other");
            assertThatThrownBy(() -> jedis.configSet("tls-cert-file", certs.path("other.crt")))
                    .hasMessage("ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - "
                            + "Unable to update TLS configuration. Check server logs.");
            assertThatThrownBy(() -> jedis.configSet("tls-key-file", dir.resolve("missing.key").toString()))
                    .hasMessageContaining("argument 'tls-key-file') - Unable to update TLS configuration.");
            // a client certificate (for connections to a master) is loaded and checked too
            assertThatThrownBy(() -> jedis.configSet("tls-client-cert-file", certs.path("client.crt"),
                    "tls-client-key-file", certs.path("node.key")))
                    .hasMessageContaining("argument 'tls-client-cert-file') - Unable to update TLS configuration.");
            assertThat(jedis.configSet("tls-client-cert-file", certs.path("client.crt"), "tls-client-key-file",
                    certs.path("client.key"))).isEqualTo("OK");
            assertThatThrownBy(() -> jedis.configSet("tls-protocols", "TLSv9"))
                    .hasMessageContaining("argument 'tls-protocols') - Unable to update TLS configuration.");
            // the two together are applied once, after both are set
            assertThatThrownBy(() -> jedis.configSet("tls-ciphers", "NO-SUCH-CIPHER", "tls-cert-file",
                    certs.path("other.crt"), "tls-key-file", certs.path("other.key")))
                    .hasMessageContaining("Unable to update TLS configuration.");
            assertThat(jedis.configGet("tls-cert-file").get("tls-cert-file")).isEqualTo(certs.path("node.crt"));
            assertThat(jedis.configGet("tls-ciphers").get("tls-ciphers")).isEmpty();
            assertThat(peerCertificate(tlsPort)).isEqualTo(certs.node.certificate());
            assertThat(jedis.configSet("tls-cert-file", certs.path("other.crt"), "tls-key-file",
                    certs.path("other.key"))).isEqualTo("OK");
        }
        assertThat(peerCertificate(tlsPort).getSubjectX500Principal().getName()).contains("CN=other");
    }

    @Test
    void plainClientOnTheTlsPortIsClosedAndTheNodeStaysUp() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        try (Socket s = new Socket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).doesNotContain("PONG");
        }
        Result r = cliPlain(tlsPort, "ping");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).doesNotContain("PONG").doesNotContain("Exception");
        try (Jedis jedis = jedis(tlsPort, certs.client)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void tlsClientOnThePlainPortFailsAtOnceAndTheNodeStaysUp() throws Exception {
        LarderServer[] node = new LarderServer[1];
        startNode(node);
        int plainPort = node[0].port();
        try (SSLSocket s = (SSLSocket) certs.clientContext(certs.client).getSocketFactory()
                .createSocket("127.0.0.1", plainPort)) {
            s.setSoTimeout(5000);
            assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class);
        }
        Result r = cli(plainPort, true, "ping");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).doesNotContain("PONG");
        try (Jedis plain = new Jedis("127.0.0.1", plainPort)) {
            assertThat(plain.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void tlsPortCanBeOpenedAndClosedAtRunTimeAndThePlainPortTurnedOff() throws Exception {
        int plainPort = RedisServerProcess.freePort();
        int tlsPort = RedisServerProcess.freePort();
        LarderServer node = keep(LarderServer.start("--tls-cert-file", certs.path("node.crt"), "--tls-key-file",
                certs.path("node.key"), "--tls-ca-cert-file", certs.path("ca.crt")));
        try (Jedis plain = new Jedis("127.0.0.1", node.port())) {
            assertThat(plain.configSet("tls-port", String.valueOf(tlsPort))).isEqualTo("OK");
        }
        try (Jedis tls = jedis(tlsPort, certs.client)) {
            assertThat(tls.ping()).isEqualTo("PONG");
            // port 0 closes plain TCP, as in Redis; this TLS connection goes on
            assertThat(tls.configSet("port", "0")).isEqualTo("OK");
            assertThatThrownBy(() -> new Socket("127.0.0.1", node.port()).close()).isInstanceOf(IOException.class);
            assertThat(tls.configSet("port", String.valueOf(plainPort), "tls-port", "0")).isEqualTo("OK");
            assertThat(tls.ping()).isEqualTo("PONG");
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", tlsPort).close()).isInstanceOf(IOException.class);
        try (Jedis plain = new Jedis("127.0.0.1", plainPort)) {
            assertThat(plain.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aNodeConnectsOutOverTlsWithItsClientCertificate() throws Exception {
        LarderServer[] master = new LarderServer[1];
        int masterTls = startNode(master);
        LarderServer[] replica = new LarderServer[1];
        startNode(replica, "--tls-client-cert-file", certs.path("client.crt"), "--tls-client-key-file",
                certs.path("client.key"));
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            java.util.concurrent.CompletableFuture<String> reply = new java.util.concurrent.CompletableFuture<>();
            io.netty.channel.Channel ch = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                    .handler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                        @Override
                        protected void initChannel(io.netty.channel.socket.SocketChannel c) {
                            c.pipeline().addLast(replica[0].node().server().newTlsClientHandler(c.alloc(), "127.0.0.1",
                                    masterTls)).addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                                    io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) msg;
                                    reply.complete(b.toString(StandardCharsets.US_ASCII));
                                    b.release();
                                }
                            });
                        }
                    }).connect("127.0.0.1", masterTls).syncUninterruptibly().channel();
            ch.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("PING\r\n", StandardCharsets.US_ASCII));
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("+PONG\r\n");
            ch.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void bindChangesMoveBothPortsOrNeither() throws Exception {
        LarderServer[] node = new LarderServer[1];
        int tlsPort = startNode(node);
        int plainPort = node[0].port();
        try (java.net.ServerSocket squatter = new java.net.ServerSocket()) {
            squatter.bind(new java.net.InetSocketAddress("127.0.0.2", tlsPort)); // the TLS port there is taken
            try (Jedis plain = new Jedis("127.0.0.1", plainPort)) {
                assertThatThrownBy(() -> plain.configSet("bind", "127.0.0.1 127.0.0.2")).hasMessage(
                        "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.");
                assertThat(plain.configGet("bind").get("bind")).isEqualTo("127.0.0.1");
            }
            assertThatThrownBy(() -> new Socket("127.0.0.2", plainPort).close()).isInstanceOf(IOException.class);
        }
        try (Jedis plain = new Jedis("127.0.0.1", plainPort)) {
            assertThat(plain.configSet("bind", "127.0.0.1 127.0.0.2")).isEqualTo("OK");
        }
        try (Jedis tls = jedis(tlsPort, certs.client); Jedis other = new Jedis("127.0.0.2", plainPort)) {
            assertThat(tls.ping()).isEqualTo("PONG");
            assertThat(other.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aNodeWithoutUsableCertificatesRefusesToStart() throws Exception {
        int tlsPort = RedisServerProcess.freePort();
        assertThatThrownBy(() -> LarderServer.start("--tls-port", String.valueOf(tlsPort)))
                .hasMessageContaining("No tls-cert-file configured!")
                .hasMessageContaining("Failed to configure TLS. Check logs for more info.");
        // tls-auth-clients yes (the default) needs a CA to check clients against
        assertThatThrownBy(() -> LarderServer.start("--tls-port", String.valueOf(tlsPort), "--tls-cert-file",
                certs.path("node.crt"), "--tls-key-file", certs.path("node.key")))
                .hasMessageContaining("Either tls-ca-cert-file or tls-ca-cert-dir must be specified");
        LarderServer node = keep(LarderServer.start("--tls-port", String.valueOf(tlsPort), "--tls-cert-file",
                certs.path("node.crt"), "--tls-key-file", certs.path("node.key"), "--tls-auth-clients", "no"));
        try (Jedis jedis = jedis(tlsPort, null)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
        assertThat(node.port()).isPositive();
    }

    @Test
    void caCertificateDirectoryIsTrusted() throws Exception {
        Path caDir = dir.resolve("cas");
        java.nio.file.Files.createDirectories(caDir);
        java.nio.file.Files.copy(certs.file("ca.crt"), caDir.resolve("0a1b2c3d.0"));
        java.nio.file.Files.writeString(caDir.resolve("README"), "not a certificate");
        int tlsPort = RedisServerProcess.freePort();
        keep(LarderServer.start("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", certs.path("node.crt"),
                "--tls-key-file", certs.path("node.key"), "--tls-ca-cert-dir", caDir.toString()));
        try (Jedis jedis = jedis(tlsPort, certs.client)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void redisServerTakesTheSameCertificateFiles() throws Exception {
        int tlsPort = RedisServerProcess.freePort();
        try (RedisServerProcess redis = RedisServerProcess.start("--tls-port", String.valueOf(tlsPort),
                "--tls-cert-file", certs.path("node.crt"), "--tls-key-file", certs.path("node.key"),
                "--tls-ca-cert-file", certs.path("ca.crt"))) {
            assertThat(redis.port()).isPositive();
            waitForPort(tlsPort);
            assertThat(cli(tlsPort, true, "ping")).isEqualTo(new Result(0, "PONG\n"));
            assertThat(cli(tlsPort, false, "ping").exit()).isNotZero();
        }
    }

    // --- clients

    private Jedis jedis(int port, IssuedCertificate identity) throws Exception {
        SSLContext ctx = certs.clientContext(identity);
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(ctx.getSocketFactory()).timeoutMillis(5000).build());
    }

    private RedisClient lettuce(int port, boolean withCertificate) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().trustManager(certs.file("ca.crt").toFile());
        if (withCertificate) {
            ssl.keyManager(certs.file("client.crt").toFile(), certs.file("client.key").toFile(), null);
        }
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port).withSsl(true)
                .withVerifyPeer(true).withTimeout(java.time.Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().sslOptions(ssl.build()).build());
        open.add(client::shutdown);
        return client;
    }

    /** The certificate a new connection is shown. */
    private X509Certificate peerCertificate(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) certs.clientContext(certs.client).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static String readAll(InputStream in) {
        StringBuilder sb = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                sb.append((char) b);
            }
        } catch (IOException closedOrReset) {
            // a reset is a clean refusal too
        }
        return sb.toString();
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
    }

    // --- redis-cli

    private record Result(int exit, String out) {
    }

    private Result cli(int port, boolean withCertificate, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(REDIS_CLI, "-p", String.valueOf(port), "--tls", "--cacert",
                certs.path("ca.crt")));
        if (withCertificate) {
            args.addAll(List.of("--cert", certs.path("client.crt"), "--key", certs.path("client.key")));
        }
        args.addAll(List.of(command));
        return run(args);
    }

    private Result cliPlain(int port, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(REDIS_CLI, "-p", String.valueOf(port)));
        args.addAll(List.of(command));
        return run(args);
    }

    private static Result run(List<String> args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("redis-cli finished").isTrue();
        return new Result(p.exitValue(), out);
    }
}
