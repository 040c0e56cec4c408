package io.larder.node.commands.keyspace;

import io.larder.node.config.ConfigLoader;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Node;
import io.larder.node.server.NodeServer;
import io.larder.node.testing.RedisServerProcess;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A Larder node whose clock the test moves; the cron's active expiry only runs when {@code hz} is not 0. */
final class ClockedServer implements AutoCloseable {
    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    final NodeServer server;
    final int port;

    ClockedServer() throws Exception {
        port = RedisServerProcess.freePort();
        ServerConfig config = new ServerConfig();
        ConfigLoader.apply(config, ConfigLoader.commandLineToConfig(
                List.of("--port", String.valueOf(port), "--bind", "127.0.0.1")));
        server = new NodeServer(new Node(config, now::get));
        server.start();
    }

    Node node() {
        return server.node();
    }

    void advance(long millis) {
        now.addAndGet(millis);
    }

    @Override
    public void close() {
        server.close();
    }
}
