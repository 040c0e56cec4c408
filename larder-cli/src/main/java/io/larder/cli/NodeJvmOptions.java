package io.larder.cli;

import io.larder.memcached.server.McSettings;
import io.larder.node.config.ConfigLoader;
import io.larder.node.config.ServerConfig;
import io.larder.node.memory.NodeSizing;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints, one a line, the JVM options for the node that {@code larder server ...} or {@code larder memcached ...}
 * would run with these arguments: the {@code larder} launcher runs this first (a small JVM with C1 only and the serial collector) and then
 * starts the node with its output, so the heap follows maxmemory (or memcached's -m) from the command line or
 * the config file, includes and all, as the node itself will read them, and the initial heap follows the RDB
 * file it will load. Arguments it cannot read give the options for no maxmemory: the node reports the error
 * itself.
 */
public final class NodeJvmOptions {
    private NodeJvmOptions() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        List<String> rest = args.length == 0 ? List.of() : List.of(args).subList(1, args.length);
        long maxmemory = 0;
        long loadBytes = 0;
        try {
            switch (command) {
                case "server" -> {
                    // read once: the configuration may come from standard input
                    ServerConfig config = new ServerConfig();
                    ConfigLoader.apply(config, ConfigLoader.commandLineToConfig(rest));
                    maxmemory = config.find("maxmemory").asLong();
                    loadBytes = loadBytes(config);
                }
                case "memcached" -> maxmemory = McSettings.parse(rest).maxBytes;
                default -> {
                }
            }
        } catch (Exception e) {
            maxmemory = 0;
        }
        long machine = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        for (String option : NodeSizing.jvmOptions(maxmemory, loadBytes, machine)) {
            System.out.println(option);
        }
    }

    /**
     * Bytes of the RDB file the server will load at start ({@code dir}/{@code dbfilename}, when the AOF is off,
     * as Redis loads it only then); 0 when there is none.
     */
    static long loadBytes(ServerConfig config) {
        if (config.find("appendonly").asBool()) {
            return 0;
        }
        try {
            Path file = Path.of(config.find("dir").text()).resolve(config.find("dbfilename").text());
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }
}
