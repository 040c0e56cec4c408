package io.larder.node.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real redis-server from Debian's package, started on a free loopback port: the reference oracle. */
public final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServerProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean available() {
        return new File("/usr/bin/redis-server").canExecute();
    }

    public static RedisServerProcess start(String... extraArgs) throws IOException, InterruptedException {
        return start(freePort(), Files.createTempDirectory("redis-oracle"), extraArgs);
    }

    /** On a given port and directory: a restart of a server stopped before (its log is appended to). */
    public static RedisServerProcess start(int port, Path dir, String... extraArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        RedisServerProcess server = new RedisServerProcess(p, port, dir);
        server.awaitReady();
        return server;
    }

    public int port() {
        return port;
    }

    /** Its working directory, where {@code redis.log} is. */
    public Path dir() {
        return dir;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (RawClient c = new RawClient(port)) {
                if (!c.callText("PING").startsWith("-LOADING")) { // PONG, or NOAUTH with requirepass
                    return;
                }
                Thread.sleep(20); // redis-server listens while it loads its RDB or AOF
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("redis-server did not start on port " + port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** SIGKILL, as a crash: nothing is saved or flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
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
