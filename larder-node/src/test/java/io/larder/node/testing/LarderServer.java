package io.larder.node.testing;

import io.larder.engine.util.Clock;
import io.larder.node.config.ConfigLoader;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Node;
import io.larder.node.server.NodeServer;

import java.util.ArrayList;
import java.util.List;

/** A Larder node started inside the test JVM on a free loopback port. */
public final class LarderServer implements AutoCloseable {
    private final NodeServer server;
    private final int port;

    private LarderServer(NodeServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a node; {@code options} are redis-server style ("--requirepass", "secret", ...). */
    public static LarderServer start(String... options) throws Exception {
        List<String> given = List.of(options);
        // A port found free may be handed out again at once: never the tls-port the caller found just before.
        int tlsPort = given.indexOf("--tls-port") >= 0 ? Integer.parseInt(given.get(given.indexOf("--tls-port") + 1)) : -1;
        int port = RedisServerProcess.freePort();
        while (port == tlsPort) {
            port = RedisServerProcess.freePort();
        }
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1"));
        // No automatic saves, and a directory of its own: a test's SAVE must not leave a dump.rdb that the next
        // test's node would load at start-up.
        if (!given.contains("--save")) {
            args.addAll(List.of("--save", ""));
        }
        if (!given.contains("--dir")) {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("larder-test-");
            dir.toFile().deleteOnExit();
            args.addAll(List.of("--dir", dir.toString()));
        }
        args.addAll(given);
        ServerConfig config = new ServerConfig();
        ConfigLoader.apply(config, ConfigLoader.commandLineToConfig(args));
        NodeServer server = new NodeServer(new Node(config, Clock.SYSTEM));
        server.start();
        return new LarderServer(server, port);
    }

    public int port() {
        return port;
    }

    public Node node() {
        return server.node();
    }

    @Override
    public void close() {
        server.close();
    }
}
