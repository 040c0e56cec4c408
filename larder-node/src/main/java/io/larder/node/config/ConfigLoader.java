package io.larder.node.config;

import io.larder.node.server.Version;
import io.larder.resp.InlineSplitter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads redis-server's configuration syntax: a config file, then {@code --name value ...} options from the
 * command line appended as further lines, exactly as redis-server merges them (so a bad option is reported
 * at the same line number as redis-server reports it).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Turns {@code [file] [--name v1 v2 ...] [-]} into config text; a lone "-" first or last means standard
     * input. Like redis-server, the options follow the file and standard input after one newline, their values
     * quoted.
     */
    public static String commandLineToConfig(List<String> args) throws FatalConfigError {
        StringBuilder text = new StringBuilder();
        int i = 0;
        boolean fromStdin = false;
        if (!args.isEmpty() && !args.get(0).startsWith("-")) {
            text.append(read(args.get(0)));
            i = 1;
        }
        StringBuilder options = new StringBuilder();
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-") && (i == 0 || i == args.size() - 1)) {
                fromStdin = true;
            } else if (a.startsWith("--") && a.length() > 2) {
                if (!options.isEmpty()) {
                    options.append('\n');
                }
                options.append(a.substring(2));
                // "--save" with nothing after it disables snapshots, as in redis-server.
                if (a.equals("--save") && (i + 1 == args.size() || args.get(i + 1).startsWith("--"))) {
                    options.append(" \"\"");
                }
            } else {
                options.append(' ').append(quote(a));
            }
        }
        if (fromStdin) {
            text.append(read("-"));
        }
        if (!options.isEmpty()) {
            text.append('\n').append(options);
        }
        return text.toString();
    }

    private static String read(String file) throws FatalConfigError {
        try {
            return file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new FatalConfigError("Fatal error, can't open config file '" + file + "': " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return String.valueOf(e.getMessage());
    }

    /** Redis's sdscatrepr: a double-quoted string with C escapes for quotes, controls and non-ASCII bytes. */
    public static String quote(String arg) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : arg.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case 7 -> s.append("\\a");
                case 8 -> s.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        s.append((char) c);
                    } else {
                        s.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    /** Applies config text; the exception carries redis-server's fatal error report. */
    public static void apply(ServerConfig config, String text) throws FatalConfigError {
        boolean saveSeen = false;
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
            String name = new String(argv[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            List<String> values = new ArrayList<>();
            for (int i = 1; i < argv.length; i++) {
                values.add(new String(argv[i], StandardCharsets.UTF_8));
            }
            if (name.equals("include") && values.size() == 1) {
                String included;
                try {
                    included = Files.readString(Path.of(values.get(0)));
                } catch (IOException e) {
                    throw new FatalConfigError(n + 1, line, "Fatal error, can't open config file '"
                            + values.get(0) + "': " + reason(e));
                }
                apply(config, included);
                continue;
            }
            if (name.equals("user") && !values.isEmpty()) {
                config.aclUserLines().add(values); // ACL users, set up when the node starts
                continue;
            }
            ConfigParam p = config.find(name);
            if (p == null || values.isEmpty() || values.size() > 1 && !p.multiArg()) {
                String reason = p == null ? "Bad directive or wrong number of arguments" : "wrong number of arguments";
                throw new FatalConfigError(n + 1, line, reason);
            }
            String value = String.join(" ", values);
            // Several save lines in one file add up; CONFIG SET save replaces.
            if (p.name().equals("save")) {
                if (saveSeen && !value.isEmpty() && !p.text().isEmpty()) {
                    value = p.text() + " " + value;
                }
                saveSeen = true;
            }
            try {
                p.set(value);
            } catch (ConfigException e) {
                throw new FatalConfigError(n + 1, line, e.getMessage());
            }
        }
    }

    /** What redis-server prints before exiting with status 1 on a bad configuration. */
    public static final class FatalConfigError extends Exception {
        public FatalConfigError(int lineNumber, String line, String reason) {
            super("\n*** FATAL CONFIG FILE ERROR (Redis " + Version.REDIS + ") ***\n"
                    + "Reading the configuration file, at line " + lineNumber + "\n"
                    + ">>> '" + line + "'\n" + reason);
        }

        FatalConfigError(String message) {
            super(message);
        }
    }
}
