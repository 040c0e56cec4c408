package io.larder.tls;

import io.larder.tls.ca.CertificateAuthority;
import io.larder.tls.ca.CertificateRequest;
import io.larder.tls.ca.IssuedCertificate;
import io.larder.tls.ca.KeyType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real handshakes against a server context built by ServerTls, on BoringSSL and on the JDK's engine. */
class ServerTlsTest {
    @TempDir
    Path dir;
    private CertificateAuthority ca;
    private IssuedCertificate client;
    private EventLoopGroup group;
    private Channel server;

    static List<SslProvider> providers() {
        List<SslProvider> result = new ArrayList<>(List.of(SslProvider.JDK));
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative-boringssl-static loads on linux-x86_64").isTrue();
        result.add(SslProvider.OPENSSL);
        return result;
    }

    @BeforeEach
    void setUp() throws Exception {
        ca = CertificateAuthority.create("CA", Duration.ofDays(2), KeyType.EC);
        ca.save(dir);
        ca.issue(new CertificateRequest("node", List.of("127.0.0.1"), List.of(), CertificateRequest.Usage.NODE,
                Duration.ofDays(1), KeyType.EC)).write(dir, "node");
        client = ca.issue(new CertificateRequest("client", List.of(), List.of(), CertificateRequest.Usage.CLIENT,
                Duration.ofDays(1), KeyType.EC));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TlsSettings settings(String protocols, String ciphers, String keyFile, String password) {
        return new TlsSettings(path("node.crt"), keyFile, password, path("ca.crt"), "", protocols, ciphers, "",
                false, true, 100, 60, true);
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshakeWithRequiredAndOptionalClientCertificates(SslProvider provider) throws Exception {
        ServerTls tls = new ServerTls(provider);
        tls.configure(settings("", "", path("node.key"), ""));
        int port = serve(tls, ServerTls.ClientAuth.YES);
        assertThat(echo(port, client, "TLSv1.3")).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> echo(port, null, "TLSv1.3")).isInstanceOf(IOException.class);
        server.close().syncUninterruptibly();
        int optional = serve(tls, ServerTls.ClientAuth.OPTIONAL);
        assertThat(echo(optional, null, "TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(echo(optional, client, "TLSv1.2")).isEqualTo("TLSv1.2");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void protocolsAndCiphersAreThoseConfigured(SslProvider provider) throws Exception {
        ServerTls tls = new ServerTls(provider);
        tls.configure(settings("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256", path("node.key"), ""));
        int port = serve(tls, ServerTls.ClientAuth.NO);
        try (SSLSocket s = connect(port, null, "TLSv1.2")) {
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
        assertThatThrownBy(() -> echo(port, null, "TLSv1.3")).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void tls13CiphersuitesAreThoseConfigured(SslProvider provider) throws Exception {
        ServerTls tls = new ServerTls(provider);
        tls.configure(new TlsSettings(path("node.crt"), path("node.key"), "", path("ca.crt"), "", "", "",
                "TLS_CHACHA20_POLY1305_SHA256", false, true, 100, 60, false));
        int port = serve(tls, ServerTls.ClientAuth.NO);
        try (SSLSocket s = connect(port, null, "TLSv1.3")) {
            s.startHandshake();
            assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        }
        // TLS 1.2 keeps its default ciphers
        assertThat(echo(port, null, "TLSv1.2")).isEqualTo("TLSv1.2");
        // BoringSSL cannot restrict TLS 1.3 suites: this context runs on the JDK's engine
        assertThat(tls.provider()).isEqualTo("jdk");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void preferServerCiphersPicksTheServersFirstChoice(SslProvider provider) throws Exception {
        String serverOrder = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256";
        String[] clientOrder = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"};
        for (boolean prefer : new boolean[]{false, true}) {
            ServerTls tls = new ServerTls(provider);
            tls.configure(new TlsSettings(path("node.crt"), path("node.key"), "", path("ca.crt"), "", "TLSv1.2",
                    serverOrder, "", prefer, true, 100, 60, false));
            int port = serve(tls, ServerTls.ClientAuth.NO);
            try (SSLSocket s = connect(port, null, "TLSv1.2")) {
                s.setEnabledCipherSuites(clientOrder);
                s.startHandshake();
                assertThat(s.getSession().getCipherSuite()).as("prefer-server-ciphers " + prefer)
                        .isEqualTo(prefer ? clientOrder[1] : clientOrder[0]);
            }
            server.close().syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void encryptedKeysNeedTheirPassword(SslProvider provider) throws Exception {
        IssuedCertificate node = ca.issue(new CertificateRequest("node", List.of("127.0.0.1"), List.of(),
                CertificateRequest.Usage.NODE, Duration.ofDays(1), KeyType.EC));
        node.write(dir, "node");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(new JcaPKCS8Generator(node.key(), new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword("s3cret".toCharArray()).build()).generate());
        }
        Files.writeString(dir.resolve("enc.key"), pem.toString());
        ServerTls tls = new ServerTls(provider);
        assertThatThrownBy(() -> tls.configure(settings("", "", path("enc.key"), "")))
                .hasMessageContaining("the key is encrypted and no password was given");
        assertThatThrownBy(() -> tls.configure(settings("", "", path("enc.key"), "wrong")))
                .hasMessageContaining("Failed to load private key");
        tls.configure(settings("", "", path("enc.key"), "s3cret"));
        assertThat(echo(serve(tls, ServerTls.ClientAuth.YES), client, "TLSv1.3")).isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void badSettingsAreRefusedAndTheContextInUseStays(SslProvider provider) throws Exception {
        ServerTls tls = new ServerTls(provider);
        tls.configure(settings("", "", path("node.key"), ""));
        X509Certificate inUse = tls.certificate();
        ca.issue(new CertificateRequest("other", List.of(), List.of(), CertificateRequest.Usage.NODE,
                Duration.ofDays(1), KeyType.EC)).write(dir, "other");
        assertThatThrownBy(() -> tls.configure(settings("", "", path("other.key"), "")))
                .hasMessageEndingWith("key values mismatch");
        assertThatThrownBy(() -> tls.configure(settings("TLSv1.2 SSLv3", "", path("node.key"), "")))
                .hasMessageStartingWith("Invalid tls-protocols specified.");
        assertThatThrownBy(() -> tls.configure(settings("", "NOT-A-CIPHER", path("node.key"), "")))
                .hasMessageStartingWith("Failed to configure ciphers");
        assertThatThrownBy(() -> tls.configure(settings("", "", path("missing.key"), "")))
                .hasMessageStartingWith("Failed to load private key: " + path("missing.key"));
        assertThatThrownBy(() -> tls.configure(new TlsSettings(path("node.crt"), path("node.key"), "", "", "", "",
                "", "", false, true, 1, 1, true))).hasMessageStartingWith("Either tls-ca-cert-file or tls-ca-cert-dir");
        assertThat(tls.certificate()).isEqualTo(inUse);
        assertThat(echo(serve(tls, ServerTls.ClientAuth.YES), client, "TLSv1.3")).isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void outgoingConnectionsPresentTheClientIdentityAndCheckThePeer(SslProvider provider) throws Exception {
        ServerTls master = new ServerTls(provider);
        master.configure(settings("", "", path("node.key"), ""));
        int port = serve(master, ServerTls.ClientAuth.YES);
        ca.issue(new CertificateRequest("replica", List.of(), List.of(), CertificateRequest.Usage.CLIENT,
                Duration.ofDays(1), KeyType.EC)).write(dir, "replica");
        TlsSettings.ClientIdentity identity = new TlsSettings.ClientIdentity(path("replica.crt"), path("replica.key"), "");
        ServerTls replica = new ServerTls(provider);
        replica.configure(withClient(identity, path("ca.crt")));
        assertThat(echoThrough(replica, port)).isEqualTo("hello\n");
        // without a client identity the server certificate is presented, which the master accepts too
        ServerTls plainReplica = new ServerTls(provider);
        plainReplica.configure(withClient(TlsSettings.ClientIdentity.NONE, path("ca.crt")));
        assertThat(echoThrough(plainReplica, port)).isEqualTo("hello\n");
        // a master whose CA the replica does not trust is refused
        CertificateAuthority other = CertificateAuthority.create("Other", Duration.ofDays(1), KeyType.EC);
        Files.writeString(dir.resolve("other-ca.crt"), other.certificatePem());
        ServerTls suspicious = new ServerTls(provider);
        suspicious.configure(withClient(identity, path("other-ca.crt")));
        assertThatThrownBy(() -> echoThrough(suspicious, port)).isInstanceOf(Exception.class);
        // an unreadable client key fails the whole configuration, as in Redis
        assertThatThrownBy(() -> replica.configure(withClient(new TlsSettings.ClientIdentity(path("replica.crt"),
                path("node.key"), ""), path("ca.crt")))).hasMessageEndingWith("key values mismatch");
    }

    private TlsSettings withClient(TlsSettings.ClientIdentity identity, String caFile) {
        return new TlsSettings(path("node.crt"), path("node.key"), "", caFile, "", "", "", "", false, true, 100, 60,
                true, identity);
    }

    /** Connects with the handler ServerTls gives outgoing connections; returns what the echo server sent back. */
    private String echoThrough(ServerTls tls, int port) throws Exception {
        java.util.concurrent.CompletableFuture<String> reply = new java.util.concurrent.CompletableFuture<>();
        Channel ch = new io.netty.bootstrap.Bootstrap().group(group).channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(tls.newClientHandler(c.alloc(), "127.0.0.1", port))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) msg;
                                        reply.complete(b.toString(StandardCharsets.US_ASCII));
                                        b.release();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        reply.completeExceptionally(cause);
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        reply.completeExceptionally(new IOException("closed"));
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).syncUninterruptibly().channel();
        try {
            ch.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("hello\n", StandardCharsets.US_ASCII));
            return reply.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            ch.close().syncUninterruptibly();
        }
    }

    /** Serves an echo over TLS; returns the port. */
    private int serve(ServerTls tls, ServerTls.ClientAuth auth) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), auth)).addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Sends a line and reads it back; returns the protocol negotiated. */
    private String echo(int port, IssuedCertificate identity, String protocol) throws Exception {
        try (SSLSocket s = connect(port, identity, protocol)) {
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            byte[] back = s.getInputStream().readNBytes(6);
            if (back.length < 6) {
                throw new IOException("closed by the server");
            }
            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("hello\n");
            return s.getSession().getProtocol();
        }
    }

    private SSLSocket connect(int port, IssuedCertificate identity, String protocol) throws Exception {
        SSLSocket s = (SSLSocket) ca.clientContext(identity).getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(5000);
        s.setEnabledProtocols(new String[]{protocol});
        return s;
    }
}
