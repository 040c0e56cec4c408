package io.larder.memcached.server;

import io.larder.memcached.store.McClock;

import java.util.List;

/** {@code larder memcached [memcached flags]}: runs a node until the process is stopped. */
public final class McMain {
    private McMain() {
    }

    public static int run(List<String> args) throws Exception {
        if (args.contains("-h") || args.contains("--help")) {
            System.out.print(McSettings.USAGE);
            return 0;
        }
        if (args.contains("-V") || args.contains("--version")) {
            System.out.println("memcached " + McSettings.VERSION + " (larder)");
            return 0;
        }
        McSettings settings;
        try {
            settings = McSettings.parse(args);
        } catch (McSettings.UsageException e) {
            System.err.println("larder memcached: " + e.getMessage());
            return 64;
        }
        McServer server;
        try {
            server = new McServer(settings, McClock.system());
        } catch (io.larder.tls.TlsConfigException e) {
            System.err.println(McServer.memcachedError(e));
            return 64;
        }
        server.onShutdown(() -> System.exit(0));
        try {
            server.start();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 71;
        }
        if (settings.verbose > 0) {
            System.err.println("larder memcached " + McSettings.VERSION + " listening on " + server.boundAddresses());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "larder-mc-shutdown"));
        Thread.currentThread().join();
        return 0;
    }
}
