package io.larder.node.testing;

import io.larder.node.memory.NodeSizing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Larder node in a JVM of its own, started with the options {@link NodeSizing} gives for its maxmemory (what
 * {@code ./larder server} does), so a test can watch its resident size and whether it ever runs out of heap.
 */
public final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node with this maxmemory (bytes) and further redis-server style options. */
    public static NodeProcess start(long maxmemory, String... options) throws Exception {
        int port = RedisServerProcess.freePort();
        Path dir = Files.createTempDirectory("larder-process-");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(NodeSizing.jvmOptions(maxmemory));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.larder.node.server.NodeMain",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--maxmemory", String.valueOf(maxmemory)));
        cmd.addAll(List.of(options));
        Path log = dir.resolve("node.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(p, port, log);
        node.awaitReady();
        return node;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited: " + output());
            }
            try (RawClient c = new RawClient(port)) {
                if (c.callText("PING").equals("+PONG\r\n")) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("node did not answer PING: " + output());
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** VmRSS of the node's process, in bytes. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** What the node printed (standard output and error). */
    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var files = Files.walk(log.getParent())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
