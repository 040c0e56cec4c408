package io.larder.memcached.server;

import io.larder.memcached.discovery.ClusterConfig;
import io.larder.memcached.sasl.Credentials;
import io.larder.memcached.store.McClock;
import io.larder.memcached.store.Store;
import io.larder.tls.ServerTls;
import io.larder.tls.TlsConfigException;
import io.larder.tls.TlsSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A memcached node: one acceptor thread and {@code -t} worker event loops (native epoll where available), each
 * running its connections' requests straight against the striped {@link Store}.
 */
public final class McServer implements AutoCloseable {
    private final McSettings settings;
    private final McClock clock;
    private final Store store;
    private final ServerStats stats = new ServerStats();
    private final Credentials saslUsers;
    private final Credentials asciiUsers;
    private final ClusterConfig cluster;
    private final Set<McConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<Channel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelClass;
    private final ScheduledExecutorService crawler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long startedMillis = System.currentTimeMillis();
    private volatile int verbosity;
    private volatile Runnable onShutdown = () -> { };
    /** The TLS context of every listener with -Z, else null. */
    private final ServerTls tls;

    /** @throws TlsConfigException with -Z, when the ssl_* files cannot be used (memcached refuses to start) */
    public McServer(McSettings settings, McClock clock) throws IOException, TlsConfigException {
        this.settings = settings;
        this.clock = clock;
        this.verbosity = settings.verbose;
        this.store = new Store(clock, settings.maxBytes, settings.itemSizeMax, settings.useCas, settings.evictions);
        this.saslUsers = settings.sasl ? Credentials.load(settings.saslPwdb) : null;
        this.asciiUsers = settings.authFile != null ? Credentials.load(settings.authFile) : null;
        this.cluster = new ClusterConfig();
        if (settings.tls) {
            tls = new ServerTls();
            tls.configure(tlsSettings(settings));
        } else {
            tls = null;
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptor = new MultiThreadIoEventLoopGroup(1, io);
        this.workers = new MultiThreadIoEventLoopGroup(settings.threads, io);
        this.channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.crawler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "larder-mc-crawler");
            t.setDaemon(true);
            return t;
        });
    }

    public McSettings settings() {
        return settings;
    }

    public McClock clock() {
        return clock;
    }

    public Store store() {
        return store;
    }

    public ServerStats stats() {
        return stats;
    }

    /** SASL PLAIN users (-S), or null. */
    public Credentials saslUsers() {
        return saslUsers;
    }

    /** ASCII authentication users (-Y), or null. */
    public Credentials asciiUsers() {
        return asciiUsers;
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    public int verbosity() {
        return verbosity;
    }

    public void verbosity(int level) {
        verbosity = level;
    }

    /** What the text "shutdown" command (-A) does once the node is closed; McMain exits the process. */
    public void onShutdown(Runnable action) {
        onShutdown = action;
    }

    /** Closes the node from a thread of its own (the caller is an event loop the close waits for). */
    public void shutdown() {
        Thread t = new Thread(() -> {
            close();
            onShutdown.run();
        }, "larder-mc-shutdown");
        t.start();
    }

    /**
     * The text protocol's refresh_certs: reloads the certificate, key and CAs from their files for new
     * connections. Returns null when done, else memcached's error line.
     */
    public String refreshCerts() {
        if (tls == null) {
            return "Error TLS not enabled";
        }
        try {
            tls.configure(tlsSettings(settings));
            return null;
        } catch (TlsConfigException e) {
            return memcachedError(e);
        }
    }

    /** The error as memcached words it ("Error loading the certificate chain: FILE : reason"). */
    public static String memcachedError(TlsConfigException e) {
        return switch (e.subject()) {
            case CERTIFICATE -> "Error loading the certificate chain: " + e.file() + " : " + e.detail();
            case KEY -> "Error loading the key: " + e.file() + " : " + e.detail();
            case CA -> "Error loading the CA certificate: " + e.file() + " : " + e.detail();
            case SETTINGS -> "Error: " + e.detail();
        };
    }

    private static TlsSettings tlsSettings(McSettings s) {
        // memcached's ssl_min_version: that version and every newer one
        List<String> versions = List.of("tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3");
        String protocols = String.join(" ", versions.subList(versions.indexOf(s.sslMinVersion), versions.size()))
                .replace("tlsv1.0", "tlsv1");
        return new TlsSettings(orEmpty(s.sslChainCert), orEmpty(s.sslKey), "", orEmpty(s.sslCaCert), "", protocols,
                orEmpty(s.sslCiphers), "", false, s.sslSessionCache, 20480, 300, false);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static ServerTls.ClientAuth clientAuth(int verifyMode) {
        return switch (verifyMode) {
            case 0 -> ServerTls.ClientAuth.NO;
            case 1 -> ServerTls.ClientAuth.OPTIONAL;
            default -> ServerTls.ClientAuth.YES;
        };
    }

    public long startedMillis() {
        return startedMillis;
    }

    public Set<McConnection> connections() {
        return connections;
    }

    public List<InetSocketAddress> boundAddresses() {
        return bound;
    }

    void register(McConnection c) {
        connections.add(c);
    }

    void unregister(McConnection c) {
        connections.remove(c);
    }

    /** Binds every -l address (all interfaces when none) on the port; returns the bound addresses. */
    public List<InetSocketAddress> start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, settings.backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (settings.idleTimeout > 0) {
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, settings.idleTimeout));
                        }
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), clientAuth(settings.sslVerifyMode)));
                        }
                        ch.pipeline().addLast(new McConnection(McServer.this));
                    }
                });
        List<String> hosts = settings.listen.isEmpty() ? List.of("0.0.0.0") : settings.listen;
        try {
            for (String host : hosts) {
                Channel ch = bootstrap.bind(host, settings.port).sync().channel();
                listeners.add(ch);
                bound.add((InetSocketAddress) ch.localAddress());
            }
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("failed to listen on port " + settings.port + ": " + e.getMessage(), e);
        }
        cluster.initialise(settings, bound.getFirst());
        if (settings.lruCrawler) {
            // One millisecond of sweeping ten times a second: at most 1% of one core.
            crawler.scheduleWithFixedDelay(() -> store.crawl(1_000_000), 100, 100, TimeUnit.MILLISECONDS);
        }
        return bound;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        crawler.shutdownNow();
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
