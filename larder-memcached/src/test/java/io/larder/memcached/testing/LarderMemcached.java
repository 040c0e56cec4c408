package io.larder.memcached.testing;

import io.larder.memcached.server.McServer;
import io.larder.memcached.server.McSettings;
import io.larder.memcached.store.McClock;

import java.util.ArrayList;
import java.util.List;

/** A Larder memcached node inside the test JVM on a free loopback port; options are memcached's flags. */
public final class LarderMemcached implements AutoCloseable {
    private final McServer server;
    private final int port;

    private LarderMemcached(McServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LarderMemcached start(String... options) throws Exception {
        return start(McClock.system(), options);
    }

    public static LarderMemcached start(McClock clock, String... options) throws Exception {
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of("-p", String.valueOf(port), "-l", "127.0.0.1", "-t", "2"));
        args.addAll(List.of(options));
        McServer server = new McServer(McSettings.parse(args), clock);
        server.start();
        return new LarderMemcached(server, port);
    }

    public int port() {
        return port;
    }

    public McServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
