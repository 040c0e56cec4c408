package io.larder.node.config;

import io.larder.resp.InlineSplitter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads redis-server's configuration syntax: a config file, then {@code --name value ...} options from the
 * command line appended as further lines, exactly as redis-server merges them.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Turns {@code [file] [--name v1 v2 ...]} into config text; a lone "-" as file name means standard input. */
    public static String commandLineToConfig(List<String> args) throws IOException {
        StringBuilder text = new StringBuilder();
        int i = 0;
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            String file = args.get(0);
            text.append(file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file)));
            text.append('\n');
            i = 1;
        }
        boolean first = true;
        StringBuilder line = new StringBuilder();
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                if (!first) {
                    text.append(line).append('\n');
                }
                line.setLength(0);
                line.append(a.substring(2));
                first = false;
            } else {
                line.append(' ').append(quote(a));
            }
        }
        if (!first) {
            text.append(line).append('\n');
        }
        return text.toString();
    }

    private static String quote(String arg) {
        if (arg.isEmpty()) {
            return "\"\"";
        }
        if (arg.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\\')) {
            return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return arg;
    }

    /** Applies config text; the exception carries redis-server's fatal error report. */
    public static void apply(ServerConfig config, String text) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[][] argv = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
            if (argv == null) {
                throw new FatalConfigError(n + 1, line, "Unbalanced quotes in configuration line");
            }
            if (argv.length == 0) {
                continue;
            }
            String name = new String(argv[0], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
            ConfigParam p = config.find(name);
            if (p == null) {
                throw new FatalConfigError(n + 1, line, "Bad directive or wrong number of arguments");
            }
            List<String> values = new ArrayList<>();
            for (int i = 1; i < argv.length; i++) {
                values.add(new String(argv[i], StandardCharsets.UTF_8));
            }
            if (values.isEmpty() && p.type().kind() != ConfigType.Kind.SPECIAL) {
                throw new FatalConfigError(n + 1, line, "wrong number of arguments");
            }
            try {
                p.set(String.join(" ", values));
            } catch (ConfigException e) {
                throw new FatalConfigError(n + 1, line, e.getMessage());
            }
        }
    }

    /** What redis-server prints before exiting with status 1 on a bad configuration. */
    public static final class FatalConfigError extends Exception {
        public FatalConfigError(int lineNumber, String line, String reason) {
            super("\n*** FATAL CONFIG FILE ERROR (Redis " + io.larder.node.server.Version.REDIS + ") ***\n"
                    + "Reading the configuration file, at line " + lineNumber + "\n"
                    + ">>> '" + line + "'\n" + reason);
        }
    }
}
