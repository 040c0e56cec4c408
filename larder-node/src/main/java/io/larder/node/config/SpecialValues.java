package io.larder.node.config;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parsers of the parameters whose values are not a single number, flag or word, with Redis's errors. */
final class SpecialValues {
    private static final String SHUTDOWN_FLAGS = "default, save, nosave, now, force";
    /** Event class letters in the order Redis prints them; 'A' stands for all of g$lshzxetd. */
    private static final String ALL_CLASSES = "g$lshzxetd";

    private SpecialValues() {
    }

    static List<String> words(String raw) {
        List<String> out = new ArrayList<>();
        for (String w : raw.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    static String bind(String raw) throws ConfigException {
        List<String> addresses = words(raw);
        if (addresses.size() > 16) {
            throw new ConfigException("Too many bind addresses specified.");
        }
        return String.join(" ", addresses);
    }

    static String octal(String raw) throws ConfigException {
        try {
            return Long.toOctalString(Long.parseLong(raw, 8));
        } catch (NumberFormatException e) {
            throw new ConfigException("argument couldn't be parsed into an integer");
        }
    }

    static String memoryOrPercent(String raw) throws ConfigException {
        if (raw.endsWith("%")) {
            long percent;
            try {
                percent = Long.parseLong(raw.substring(0, raw.length() - 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("argument must be a memory or percent value");
            }
            if (percent < 0) {
                throw new ConfigException("argument must be a memory or percent value");
            }
            if (percent > 100) {
                throw new ConfigException("percentage argument must be less or equal to 100");
            }
            return percent + "%";
        }
        try {
            return Long.toString(ConfigType.parseMemory(raw));
        } catch (ConfigException e) {
            throw new ConfigException("argument must be a memory or percent value");
        }
    }

    static String oomScoreAdjValues(String raw) throws ConfigException {
        List<String> values = words(raw);
        if (values.size() != 3) {
            throw new ConfigException("wrong number of arguments");
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid oom-score-adj-values value");
            }
            if (n < -2000 || n > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values value");
            }
            out.add(Long.toString(n));
        }
        return String.join(" ", out);
    }

    static String shutdownFlags(String raw) throws ConfigException {
        List<String> flags = words(raw.toLowerCase(Locale.ROOT));
        if (flags.isEmpty()) {
            throw new ConfigException("argument(s) must be one of the following: " + SHUTDOWN_FLAGS);
        }
        for (String f : flags) {
            if (!List.of("default", "save", "nosave", "now", "force").contains(f)) {
                throw new ConfigException("argument(s) must be one of the following: " + SHUTDOWN_FLAGS);
            }
        }
        return String.join(" ", flags);
    }

    /** Redis's keyspace event classes, validated and printed in Redis's normal form (e.g. "KEA" reads "AKE"). */
    static String keyspaceEvents(String raw) throws ConfigException {
        StringBuilder classes = new StringBuilder();
        boolean keyspace = false;
        boolean keyevent = false;
        boolean miss = false;
        boolean fresh = false;
        for (char c : raw.toCharArray()) {
            switch (c) {
                case 'A' -> classes.append(ALL_CLASSES);
                case 'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd' -> classes.append(c);
                case 'K' -> keyspace = true;
                case 'E' -> keyevent = true;
                case 'm' -> miss = true;
                case 'n' -> fresh = true;
                default -> throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
        }
        StringBuilder out = new StringBuilder();
        boolean all = ALL_CLASSES.chars().allMatch(c -> classes.indexOf(String.valueOf((char) c)) >= 0);
        if (all) {
            out.append('A');
            if (fresh) {
                out.append('n'); // in effect, though Redis does not print it (keyspaceEventsShown)
            }
        } else {
            for (char c : "g$lshzxet".toCharArray()) {
                if (classes.indexOf(String.valueOf(c)) >= 0) {
                    out.append(c);
                }
            }
            if (classes.indexOf("d") >= 0) {
                out.append('d');
            }
            if (fresh) {
                out.append('n');
            }
        }
        if (keyspace) {
            out.append('K');
        }
        if (keyevent) {
            out.append('E');
        }
        if (miss) {
            out.append('m');
        }
        return out.toString();
    }

    /** The keyspace event classes as Redis prints them: "A" stands for every class, and hides an "n" beside it. */
    static String keyspaceEventsShown(String normalized) {
        return normalized.startsWith("An") ? "A" + normalized.substring(2) : normalized;
    }

    static String percentiles(String raw) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (String w : words(raw)) {
            BigDecimal v;
            try {
                v = new BigDecimal(w);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new ConfigException(
                        "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            out.add(v.stripTrailingZeros().toPlainString());
        }
        return String.join(" ", out);
    }

    /** The directory must exist; it is reported as an absolute path, as Redis reports its working directory. */
    static String directory(String raw) throws ConfigException {
        Path p = Path.of(raw).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new ConfigException("No such file or directory");
        }
        if (!Files.isDirectory(p)) {
            throw new ConfigException("Not a directory");
        }
        return p.toString();
    }

    /** A parser for dbfilename, appendfilename or appenddirname, which must not contain a path. */
    static ConfigType.Parser plainName(String param, String what) {
        return raw -> {
            if (raw.contains("/")) {
                throw new ConfigException(param + " can't be a path, just a " + what);
            }
            return raw;
        };
    }

    /** Pairs of seconds (at least 1) and changes (at least 0), or nothing to disable snapshots. */
    static String save(String raw) throws ConfigException {
        List<String> values = words(raw);
        if (values.size() % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i += 2) {
            long seconds;
            long changes;
            try {
                seconds = Long.parseLong(values.get(i));
                changes = Long.parseLong(values.get(i + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
            if (seconds < 1 || changes < 0) {
                throw new ConfigException("Invalid save parameters");
            }
            out.add(seconds + " " + changes);
        }
        return String.join(" ", out);
    }

    /** "host port", or "no one" (reported as empty) for a master. */
    static String replicaOf(String raw) throws ConfigException {
        List<String> values = words(raw);
        if (values.isEmpty() || values.size() == 2 && values.get(0).equalsIgnoreCase("no")
                && values.get(1).equalsIgnoreCase("one")) {
            return "";
        }
        if (values.size() != 2) {
            throw new ConfigException("wrong number of arguments");
        }
        try {
            int port = Integer.parseInt(values.get(1));
            if (port < 0 || port > 65535) {
                throw new ConfigException("Invalid master port");
            }
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid master port");
        }
        return values.get(0) + " " + values.get(1);
    }
}
