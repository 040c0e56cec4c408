package io.larder.node.server;

import io.larder.node.config.ServerConfig;
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

import java.net.InetSocketAddress;
import java.util.ArrayList;
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
    private final List<Channel> listeners = new ArrayList<>();
    private final ScheduledExecutorService cron;
    private final ActiveExpiry activeExpiry;
    private volatile boolean activeExpireEnabled = true;
    private volatile Runnable exitAction = () -> { };
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public NodeServer(Node node) {
        this.node = node;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        this.channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.cron = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "larder-cron");
            t.setDaemon(true);
            return t;
        });
        this.activeExpiry = new ActiveExpiry(node.keyspace());
        node.server(this);
    }

    public Node node() {
        return node;
    }

    /** Binds every address of the {@code bind} parameter on {@code port}; returns the bound addresses. */
    public List<InetSocketAddress> start() throws InterruptedException {
        ServerConfig config = node.config();
        Dispatcher dispatcher = new Dispatcher(node);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, config.find("tcp-backlog").asInt())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, config.find("tcp-keepalive").asLong() > 0)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ClientHandler(node, dispatcher));
                    }
                });
        int port = config.port.asInt();
        List<InetSocketAddress> bound = new ArrayList<>();
        for (String address : config.bind.text().trim().split("\\s+")) {
            boolean optional = address.startsWith("-");
            String host = optional ? address.substring(1) : address;
            host = switch (host) {
                case "*" -> "0.0.0.0";
                case "::*" -> "::";
                default -> host;
            };
            try {
                Channel ch = bootstrap.bind(host, port).sync().channel();
                listeners.add(ch);
                bound.add((InetSocketAddress) ch.localAddress());
            } catch (Exception e) {
                if (!optional) {
                    close();
                    throw new IllegalStateException("Could not create server TCP listening socket " + host + ":" + port
                            + ": " + e.getMessage(), e);
                }
            }
        }
        long periodMillis = Math.max(1, 1000 / Math.max(1, config.hz.asInt()));
        cron.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return bound;
    }

    /** The server's periodic work, as Redis's serverCron: expire keys, close idle clients. */
    private void tick() {
        try {
            // Like Redis's slow cycle: at most a quarter of each tick.
            long periodNanos = 1_000_000_000L / Math.max(1, node.config().hz.asInt());
            if (activeExpireEnabled) {
                long start = System.nanoTime();
                activeExpiry.run(start + periodNanos / 4);
                node.latencyMonitor().addSampleIfNeeded("expire-cycle", (System.nanoTime() - start) / 1_000_000);
            }
            closeIdleClients();
            node.stats().sampleInstantaneous(System.currentTimeMillis());
            Runtime rt = Runtime.getRuntime();
            node.stats().notePeakMemory(rt.totalMemory() - rt.freeMemory());
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
            if (!c.monitor() && now - c.lastInteractionMillis() > timeout * 1000) {
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
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
