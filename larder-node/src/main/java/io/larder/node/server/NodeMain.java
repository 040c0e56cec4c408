package io.larder.node.server;

import io.larder.engine.util.Clock;
import io.larder.node.config.ConfigLoader;
import io.larder.node.config.ServerConfig;

import java.net.InetSocketAddress;
import java.util.List;

/** {@code larder server [redis.conf] [--name value ...]}: starts a node the way redis-server starts. */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args)));
    }

    /** @return the process exit status */
    public static int run(List<String> args) throws Exception {
        if (args.size() == 1 && (args.get(0).equals("-v") || args.get(0).equals("--version"))) {
            System.out.println("Larder server v=" + Version.LARDER + " redis_version=" + Version.REDIS);
            return 0;
        }
        if (args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
            System.err.println("""
                    Usage: ./larder server [/path/to/redis.conf] [options] [-]
                           ./larder server - (read config from stdin)
                           ./larder server -v or --version
                           ./larder server -h or --help

                    Examples:
                           ./larder server (run the server with default conf)
                           echo 'maxmemory 128mb' | ./larder server -
                           ./larder server /etc/redis/6379.conf
                           ./larder server --port 7777
                           ./larder server /etc/myredis.conf --loglevel verbose -
                           ./larder server /etc/myredis.conf --loglevel verbose""");
            return 1;
        }
        ServerConfig config = new ServerConfig();
        if (!args.isEmpty() && !args.get(0).startsWith("-")) {
            config.configFile(java.nio.file.Path.of(args.get(0)).toAbsolutePath().toString());
        }
        try {
            ConfigLoader.apply(config, ConfigLoader.commandLineToConfig(args));
        } catch (ConfigLoader.FatalConfigError e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Node node;
        try {
            node = new Node(config, Clock.SYSTEM);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        NodeServer server = new NodeServer(node);
        server.exitAction(() -> System.exit(0));
        server.loadFailureAction(() -> System.exit(1));
        // Redis's exit(1) on an AOF it cannot make durable: no shutdown save, nothing more written.
        node.aof().fatalExit(() -> Runtime.getRuntime().halt(1));
        server.panicAction(() -> Runtime.getRuntime().halt(1));
        List<InetSocketAddress> bound;
        try {
            bound = server.start();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        System.out.println("Larder " + Version.LARDER + " (Redis " + Version.REDIS + " compatible), pid "
                + ProcessHandle.current().pid() + ", listening on " + bound);
        if (config.port.asInt() != 0) {
            System.out.println("Ready to accept connections tcp");
        }
        if (config.find("tls-port").asInt() != 0) {
            System.out.println("Ready to accept connections tls (" + server.tlsEngine() + " engine)");
        }
        // SIGTERM and SIGINT shut down as SHUTDOWN does, with the flags of shutdown-on-sigterm / -sigint (Redis 7):
        // waiting for the replicas, and staying up when a save that is due fails (unless force).
        for (String signal : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                System.out.println("Received SIG" + signal + " scheduling shutdown...");
                String flags = config.find(signal.equals("TERM") ? "shutdown-on-sigterm" : "shutdown-on-sigint").text();
                Thread t = new Thread(() -> node.replication().shutdownWait()
                        .request(null, io.larder.node.replication.ShutdownWait.Flags.ofConfig(flags)), "larder-signal");
                t.start();
            });
        }
        // Any other exit (System.exit elsewhere): save when save points exist, once (SHUTDOWN has saved already).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.persistence().saveForShutdown(null);
            server.close();
        }, "larder-shutdown"));
        Thread.currentThread().join();
        return 0;
    }
}
