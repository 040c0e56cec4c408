package io.larder.memcached.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** The oracle: a real memcached (Debian's /usr/bin/memcached) in the foreground on a free loopback port. */
public final class MemcachedProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private MemcachedProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static MemcachedProcess start(String... options) throws Exception {
        int port = Ports.free();
        List<String> cmd = new ArrayList<>(List.of("memcached", "-p", String.valueOf(port), "-l", "127.0.0.1",
                "-U", "0", "-t", "2", "-u", "nobody"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "memcached-oracle-" + port + ".log"))
                .start();
        Ports.awaitListening(port);
        return new MemcachedProcess(p, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
