package io.larder.node.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Larder node in a JVM of its own on a given port and directory (its output appended to {@code node.log}
 * there), for faults an in-process node cannot suffer: SIGKILL, and a restart on the same port from the same
 * files.
 */
public final class LarderProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private LarderProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node and waits until it answers PING; {@code options} are redis-server style. */
    public static LarderProcess start(int port, Path dir, String... options) throws Exception {
        return start(port, dir, dir.resolve("node.log"), options);
    }

    /** {@link #start(int, Path, String...)} with the output appended to {@code log}. */
    public static LarderProcess start(int port, Path dir, Path log, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.larder.node.server.NodeMain", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString()));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        LarderProcess node = new LarderProcess(p, port, log);
        node.awaitReady();
        return node;
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited with " + process.exitValue() + ": " + log());
            }
            try (RawClient c = new RawClient(port)) {
                if (c.callText("PING").equals("+PONG\r\n")) {
                    return;
                }
                Thread.sleep(20); // LOADING
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("node did not answer PING: " + log());
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** What the node printed so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: nothing is saved or flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM (the node's own shutdown), then SIGKILL if it is still there after 20 seconds. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
