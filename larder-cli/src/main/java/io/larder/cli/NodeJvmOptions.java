package io.larder.cli;

import io.larder.memcached.server.McSettings;
import io.larder.node.config.ConfigLoader;
import io.larder.node.config.ServerConfig;
import io.larder.node.memory.NodeSizing;

import java.util.List;

/**
 * Prints, one a line, the JVM options for the node that {@code larder server ...} or {@code larder memcached ...}
 * would run with these arguments: the {@code larder} launcher runs this first (a small JVM with C1 only and the serial collector) and then
 * starts the node with its output, so the heap follows maxmemory (or memcached's -m) from the command line or
 * the config file, includes and all, as the node itself will read them. Arguments it cannot read give the
 * options for no maxmemory: the node reports the error itself.
 */
public final class NodeJvmOptions {
    private NodeJvmOptions() {
    }

    public static void main(String[] args) {
        for (String option : NodeSizing.jvmOptions(args.length == 0 ? 0 : maxmemory(args[0], List.of(args).subList(1, args.length)))) {
            System.out.println(option);
        }
    }

    /** maxmemory in bytes for the sub-command {@code command} and its arguments; 0 for none or unreadable. */
    static long maxmemory(String command, List<String> args) {
        try {
            return switch (command) {
                case "server" -> {
                    ServerConfig config = new ServerConfig();
                    ConfigLoader.apply(config, ConfigLoader.commandLineToConfig(args));
                    yield config.find("maxmemory").asLong();
                }
                case "memcached" -> McSettings.parse(args).maxBytes;
                default -> 0;
            };
        } catch (Exception e) {
            return 0;
        }
    }
}
