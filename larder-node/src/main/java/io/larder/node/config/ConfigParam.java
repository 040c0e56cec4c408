package io.larder.node.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration parameter with Redis's name, aliases, type and validation. The current value is kept
 * both as the text CONFIG GET reports and in a typed form that the hot path reads without parsing.
 */
public final class ConfigParam {
    private final String name;
    private final List<String> aliases;
    private final ConfigType type;
    private final String defaultValue;
    private final boolean mutable;
    private final ConfigHook hook;
    private volatile String text;
    private volatile long longValue;
    private volatile boolean boolValue;

    public ConfigParam(String name, List<String> aliases, ConfigType type, String defaultValue, boolean mutable,
                       ConfigHook hook) {
        this.name = name;
        this.aliases = aliases;
        this.type = type;
        this.defaultValue = defaultValue;
        this.mutable = mutable;
        this.hook = hook;
        try {
            apply(type.normalize(defaultValue));
        } catch (ConfigException e) {
            throw new IllegalStateException("bad default for " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() { return name; }

    public List<String> aliases() { return aliases; }

    public ConfigType type() { return type; }

    public String defaultValue() { return defaultValue; }

    /** False for parameters that only a config file or the command line may set. */
    public boolean mutable() { return mutable; }

    public String text() { return text; }

    public long asLong() { return longValue; }

    public int asInt() { return (int) longValue; }

    public boolean asBool() { return boolValue; }

    /** Validates and sets a new value given as text (one config line's arguments joined by spaces). */
    public void set(String raw) throws ConfigException {
        String normalized = type.normalize(raw);
        if (hook != null) {
            hook.check(normalized);
        }
        String before = text;
        apply(normalized);
        if (hook != null && before != null) {
            hook.changed(normalized);
        }
    }

    private void apply(String normalized) throws ConfigException {
        text = normalized;
        switch (type.kind()) {
            case BOOL -> boolValue = normalized.equals("yes");
            case INT, MEMORY, ENUM_INDEX -> longValue = type.toLong(normalized);
            default -> {
            }
        }
    }

    public boolean matchesName(String candidate) {
        String lower = candidate.toLowerCase(Locale.ROOT);
        return name.equals(lower) || aliases.contains(lower);
    }

    /** Checks a value before it is applied and reacts after it is (e.g. re-binding, resizing). */
    public interface ConfigHook {
        default void check(String value) throws ConfigException {
        }

        default void changed(String value) {
        }
    }
}
