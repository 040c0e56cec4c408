package io.larder.node.server;

import io.larder.node.config.ConfigException;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Listens on the configured addresses and runs connections on one event loop per core (native epoll where
 * available). Both loops execute commands; the keyspace's stripe locks keep them consistent.
 */
public final class NodeServer implements AutoCloseable {
    private final Node node;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelClass;
    private final ScheduledExecutorService cron;
    private final ActiveExpiry activeExpiry;
    private volatile boolean activeExpireEnabled = true;
    private volatile Runnable exitAction = () -> { };
    /** What a start-up load failure does: NodeMain exits with status 1 (as Redis); embedded servers close. */
    private volatile Runnable loadFailureAction = this::close;
    /** What a fatal error does (Redis's serverPanic): NodeMain halts the process at once, unsaved. */
    private volatile Runnable panicAction = this::close;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Accepts connections; separate from the worker loops so CONFIG SET port/bind can wait for a bind. */
    private final EventLoopGroup acceptor;
    private java.util.concurrent.ScheduledFuture<?> cronTask;
    private final NodeTls tls;
    /** Plain TCP on {@code port} and TLS on {@code tls-port}; null before start. */
    private Listener plain;
    private Listener tlsListener;

    public NodeServer(Node node) {
        this.node = node;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        this.acceptor = new MultiThreadIoEventLoopGroup(1, io);
        this.channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.cron = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "larder-cron");
            t.setDaemon(true);
            return t;
        });
        this.activeExpiry = new ActiveExpiry(node.keyspace());
        this.tls = new NodeTls(node.config());
        node.server(this);
    }

    public Node node() {
        return node;
    }

    /** Binds every address of the {@code bind} parameter on {@code port}; returns the bound addresses. */
    public List<InetSocketAddress> start() throws InterruptedException {
        ServerConfig config = node.config();
        try {
            node.aof().start(); // finds the AOF to load (commands get LOADING until loadAtStartup is done)
        } catch (java.io.IOException e) {
            close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        Dispatcher dispatcher = node.dispatcher();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, config.find("tcp-backlog").asInt())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        applyKeepalive(ch, config.tcpKeepalive.asInt());
                        ch.pipeline().addLast(new TlsOnPlainPortGuard()).addLast(new ClientHandler(node, dispatcher));
                    }
                });
        ServerBootstrap tlsBootstrap = bootstrap.clone().childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                applyKeepalive(ch, config.tcpKeepalive.asInt());
                ch.pipeline().addLast(tls.newHandler(ch)).addLast(new ClientHandler(node, dispatcher));
            }
        });
        plain = new Listener(bootstrap);
        tlsListener = new Listener(tlsBootstrap);
        ConfigParam tlsPort = config.find("tls-port");
        if (config.port.asInt() == 0 && tlsPort.asInt() == 0) {
            close();
            throw new IllegalStateException("Configured to not listen anywhere, exiting.");
        }
        if (tls.enabled()) {
            try {
                tls.configure();
            } catch (io.larder.tls.TlsConfigException e) {
                close();
                throw new IllegalStateException(e.getMessage() + "\nFailed to configure TLS. Check logs for more info.", e);
            }
        }
        // before listening, so that no client sees the empty keyspace; the load itself starts once started.
        // As Redis, a node with appendonly yes loads only its AOF (done above), never the RDB file.
        boolean load = !config.find("appendonly").asBool() && node.persistence().prepareLoad();
        List<InetSocketAddress> bound;
        try {
            bound = plain.listen(config.bind.text(), config.port.asInt());
            bound.addAll(tlsListener.listen(config.bind.text(), tlsPort.asInt()));
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
        config.port.onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) throws ConfigException {
                plain.relisten(config.bind.text(), Integer.parseInt(value), "Unable to listen on this port");
            }
        });
        tlsPort.applyWith(() -> {
            if (tlsPort.asInt() != 0 && !tls.configured()) {
                tls.configureOrRefuse();
            }
            tlsListener.relisten(config.bind.text(), tlsPort.asInt(), "Unable to listen on this port. Check server logs.");
        });
        config.bind.onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) throws ConfigException {
                String before = plain.addresses();
                plain.relisten(value, config.port.asInt(), "Failed to bind to specified addresses.");
                try {
                    tlsListener.relisten(value, tlsPort.asInt(), "Failed to bind to specified addresses.");
                } catch (ConfigException e) {
                    plain.relisten(before, config.port.asInt(), "Failed to bind to specified addresses.");
                    throw e;
                }
            }
        });
        scheduleCron(config.hz.asInt());
        config.hz.onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) {
                scheduleCron(Integer.parseInt(value));
            }
        });
        if (load) {
            node.persistence().loadAtStartup(reason -> {
                System.err.println("Fatal error loading the DB: " + reason + ". Exiting.");
                loadFailureAction.run();
            });
        }
        node.aof().loadAtStartup(reason -> {
            System.err.println("Fatal error loading the AOF: " + reason + ". Exiting.");
            loadFailureAction.run();
        });
        node.replicaLink().start(group);
        return bound;
    }

    /** The TLS engine new TLS connections get: "openssl" (BoringSSL) or "jdk". */
    public String tlsEngine() {
        return tls.engine();
    }

    /**
     * TLS for a connection this node opens to {@code host:port} (a replica to its master, with tls-replication):
     * presents tls-client-cert-file (else tls-cert-file) and checks the peer against the configured CAs. Only
     * while TLS is configured (tls-port, tls-replication or tls-cluster set).
     */
    public io.netty.handler.ssl.SslHandler newTlsClientHandler(io.netty.buffer.ByteBufAllocator alloc, String host,
                                                               int port) {
        return tls.newClientHandler(alloc, host, port);
    }

    /** Runs the cron hz times a second; CONFIG SET hz reschedules it. */
    private synchronized void scheduleCron(int hz) {
        if (cronTask != null) {
            cronTask.cancel(false);
        }
        long periodMillis = Math.max(1, 1000 / Math.max(1, hz));
        cronTask = cron.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** TCP keepalive as Redis sets it: probes after the interval, then every third of it, three times. */
    private static void applyKeepalive(SocketChannel ch, int seconds) {
        if (seconds <= 0) {
            return;
        }
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        if (ch instanceof io.netty.channel.epoll.EpollSocketChannel) {
            ch.config().setOption(EpollChannelOption.TCP_KEEPIDLE, seconds);
            ch.config().setOption(EpollChannelOption.TCP_KEEPINTVL, Math.max(1, seconds / 3));
            ch.config().setOption(EpollChannelOption.TCP_KEEPCNT, 3);
        }
    }

    /** The server's periodic work, as Redis's serverCron: expire keys, close idle clients. */
    private void tick() {
        try {
            node.keyspace().refreshClock();
            // Like Redis's slow cycle: at most a quarter of each tick.
            long periodNanos = 1_000_000_000L / Math.max(1, node.config().hz.asInt());
            // No expiry cycle while loading (as Redis); a replica's keys expire when its primary's DEL arrives.
            if (activeExpireEnabled && !node.persistence().loading() && !node.keyspace().expiriesFromPrimary()) {
                long start = System.nanoTime();
                activeExpiry.run(start + periodNanos / 4);
                node.latencyMonitor().addSampleIfNeeded("expire-cycle", (System.nanoTime() - start) / 1_000_000);
            }
            node.tracking().cron();
            closeIdleClients();
            node.acl().closeExpiredLogins(System.currentTimeMillis());
            node.stats().sampleInstantaneous(System.currentTimeMillis());
            node.memory().used(); // notes the peak
            node.pause().expireIfDue(System.currentTimeMillis());
            node.persistence().cron(System.currentTimeMillis());
        } catch (RuntimeException e) {
            // The cron must keep running; a failure here is logged and the next tick tries again.
            System.err.println("cron: " + e);
        }
    }

    private void closeIdleClients() {
        long timeout = node.config().timeout.asLong();
        if (timeout <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Client c : node.clients()) {
            ClientHandler h = c.handler();
            // As in Redis, monitors, replicas, blocked clients, subscribers and the master client never time out.
            if (!c.monitor() && !c.master() && !c.subscribed() && !node.replication().isReplica(c)
                    && (h == null || !h.suspended())
                    && now - c.lastInteractionMillis() > timeout * 1000) {
                c.kill();
            }
        }
    }

    /** DEBUG SET-ACTIVE-EXPIRE: with false the cron stops deleting expired keys (lookups still do). */
    public void activeExpire(boolean enabled) {
        this.activeExpireEnabled = enabled;
    }

    public boolean activeExpire() {
        return activeExpireEnabled;
    }

    /** What SHUTDOWN does after the server closed: NodeMain exits the process; embedded servers need not. */
    public void exitAction(Runnable action) {
        this.exitAction = action;
    }

    public void loadFailureAction(Runnable action) {
        this.loadFailureAction = action;
    }

    public void panicAction(Runnable action) {
        this.panicAction = action;
    }

    /** A condition Redis does not survive (serverPanic): logged, then the node stops without saving. */
    public void panic(String reason) {
        System.out.println("Guru Meditation: " + reason);
        Thread t = new Thread(panicAction, "larder-panic"); // not on the event loop that a close waits for
        t.start();
    }

    /**
     * SHUTDOWN: closes every connection and listener, then runs the exit action. Runs on its own thread
     * because the caller is an event loop that the close waits for.
     */
    public void shutdown() {
        Thread t = new Thread(() -> {
            close();
            exitAction.run();
        }, "larder-shutdown");
        t.start();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        cron.shutdownNow();
        node.replicaLink().close();
        node.replication().close();
        if (plain != null) {
            plain.close();
            tlsListener.close();
        }
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        node.aof().close(); // what was logged reaches the disk, as Redis fsyncs the AOF on shutdown
        node.scripting().close();
    }
}
