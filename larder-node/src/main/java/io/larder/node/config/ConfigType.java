package io.larder.node.config;

import java.util.List;
import java.util.Locale;

/**
 * The value type of a parameter and Redis's parsing, bounds and normal form for it. {@code SPECIAL} types
 * carry their own parser (save, client-output-buffer-limit, notify-keyspace-events, ...).
 */
public record ConfigType(Kind kind, long min, long max, List<String> choices, Parser parser) {
    public enum Kind { BOOL, INT, MEMORY, STRING, ENUM, ENUM_INDEX, SPECIAL }

    /** Validates a raw value and returns the text CONFIG GET will report for it. */
    @FunctionalInterface
    public interface Parser {
        String normalize(String raw) throws ConfigException;
    }

    public static final ConfigType BOOL = new ConfigType(Kind.BOOL, 0, 1, List.of(), null);
    public static final ConfigType STRING = new ConfigType(Kind.STRING, 0, 0, List.of(), null);
    /** Values accepted as given (the parameter's hook may still refuse them). */
    public static final ConfigType SPECIAL = special(raw -> raw);

    public static ConfigType integer(long min, long max) {
        return new ConfigType(Kind.INT, min, max, List.of(), null);
    }

    public static ConfigType memory(long min, long max) {
        return new ConfigType(Kind.MEMORY, min, max, List.of(), null);
    }

    public static ConfigType oneOf(String... choices) {
        return new ConfigType(Kind.ENUM, 0, 0, List.of(choices), null);
    }

    public static ConfigType special(Parser parser) {
        return new ConfigType(Kind.SPECIAL, 0, 0, List.of(), parser);
    }

    String normalize(String raw) throws ConfigException {
        return switch (kind) {
            case BOOL -> {
                String v = raw.toLowerCase(Locale.ROOT);
                if (!v.equals("yes") && !v.equals("no")) {
                    throw new ConfigException("argument must be 'yes' or 'no'");
                }
                yield v;
            }
            case INT -> {
                long v;
                try {
                    v = Long.parseLong(raw);
                } catch (NumberFormatException e) {
                    throw new ConfigException("argument couldn't be parsed into an integer");
                }
                checkRange(v);
                yield Long.toString(v);
            }
            case MEMORY -> {
                long v = parseMemory(raw);
                checkRange(v);
                yield Long.toString(v);
            }
            case ENUM, ENUM_INDEX -> {
                String v = raw.toLowerCase(Locale.ROOT);
                if (!choices.contains(v)) {
                    throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", choices));
                }
                yield v;
            }
            case STRING -> raw;
            case SPECIAL -> parser.normalize(raw);
        };
    }

    long toLong(String normalized) {
        return kind == Kind.ENUM_INDEX ? choices.indexOf(normalized) : Long.parseLong(normalized);
    }

    private void checkRange(long v) throws ConfigException {
        if (v < min || v > max) {
            throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
        }
    }

    /** Redis's memtoull: a number with an optional k, kb, m, mb, g, gb suffix (case-insensitive). */
    public static long parseMemory(String raw) throws ConfigException {
        String v = raw.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = v;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"},
                {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] unit : units) {
            if (v.endsWith(unit[0])) {
                mul = Long.parseLong(unit[1]);
                digits = v.substring(0, v.length() - unit[0].length());
                break;
            }
        }
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new ConfigException("argument must be a memory value");
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException("argument must be a memory value");
        }
    }
}
