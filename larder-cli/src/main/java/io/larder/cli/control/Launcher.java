package io.larder.cli.control;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that runs this same {@code larder} (JVM, class path, main class), for nodes and detached control planes. */
final class Launcher {
    private Launcher() {
    }

    static List<String> larderCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseCompactObjectHeaders");
        String opts = System.getenv("LARDER_NODE_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            command.addAll(List.of(opts.trim().split("\\s+")));
        }
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add("io.larder.cli.Larder");
        return command;
    }

    /** Nodes run in their own directories, so every class path entry must be absolute. */
    private static String absoluteClassPath() {
        StringBuilder sb = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : File.pathSeparator).append(Path.of(entry).toAbsolutePath());
            }
        }
        return sb.toString();
    }
}
