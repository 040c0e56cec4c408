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
    private java.util.function.UnaryOperator<String> display = java.util.function.UnaryOperator.identity();
    private final List<ConfigHook> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile ConfigApply apply;
    private boolean protectedConfig;
    private boolean denyLoading;
    private boolean multiArg;
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

    /** Settable at runtime only when enable-protected-configs allows it (dir, dbfilename). */
    public boolean protectedConfig() { return protectedConfig; }

    ConfigParam protect() {
        protectedConfig = true;
        return this;
    }

    /** CONFIG SET refuses it with -LOADING while a dataset loads (Redis's DENY_LOADING_CONFIG: appendonly, dir). */
    public boolean denyLoading() { return denyLoading; }

    ConfigParam denyWhileLoading() {
        denyLoading = true;
        return this;
    }

    /** A config file line may give the value as several arguments (save 900 1, bind a b). */
    public boolean multiArg() { return multiArg; }

    /**
     * Shows the stored text through {@code display} (CONFIG GET, CONFIG REWRITE), for a value whose normal form
     * keeps more than Redis prints (notify-keyspace-events: "n" beside "A").
     */
    ConfigParam displayedAs(java.util.function.UnaryOperator<String> display) {
        this.display = display;
        return this;
    }

    /** The value as CONFIG GET reports it. */
    public String shown() { return display.apply(text); }

    ConfigParam multiArgs() {
        multiArg = true;
        return this;
    }

    /** Adds a reaction to changes made after startup (re-binding, rescheduling ...). */
    public void onChange(ConfigHook listener) {
        listeners.add(listener);
    }

    /**
     * Sets the reaction that CONFIG SET runs once, after every parameter it names is set, however many of them
     * share it (Redis's apply functions: a certificate and its key change together, or not at all).
     */
    public void applyWith(ConfigApply apply) {
        this.apply = apply;
    }

    /** The reaction shared with other parameters, or null. */
    public ConfigApply apply() {
        return apply;
    }

    public String text() { return text; }

    public long asLong() { return longValue; }

    public int asInt() { return (int) longValue; }

    public boolean asBool() { return boolValue; }

    /** Validates and sets a new value given as text (one config line's arguments joined by spaces). */
    public void set(String raw) throws ConfigException {
        setValidated(validate(raw));
    }

    /** The value's normal form if it is acceptable; nothing changes. */
    public String validate(String raw) throws ConfigException {
        String normalized = type.normalize(raw);
        if (hook != null) {
            normalized = hook.check(normalized);
        }
        return normalized;
    }

    /**
     * Sets a value already returned by {@link #validate} and runs the hook's reaction, which may still refuse
     * it (e.g. an address that cannot be bound); then the old value stays.
     */
    public void setValidated(String normalized) throws ConfigException {
        String before = text;
        apply(normalized);
        try {
            if (hook != null) {
                hook.changed(normalized);
            }
            for (ConfigHook l : listeners) {
                l.changed(normalized);
            }
        } catch (ConfigException e) {
            apply(before);
            throw e;
        }
    }

    private void apply(String normalized) {
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
        /** Refuses a value or returns the form to store (e.g. hz clamped to 1..500). */
        default String check(String value) throws ConfigException {
            return value;
        }

        /** Puts a new value into effect; an exception makes the parameter keep its old value. */
        default void changed(String value) throws ConfigException {
        }
    }

    /** Puts the values of several parameters into effect at once; an exception makes them all keep their old values. */
    @FunctionalInterface
    public interface ConfigApply {
        void apply() throws ConfigException;
    }
}
