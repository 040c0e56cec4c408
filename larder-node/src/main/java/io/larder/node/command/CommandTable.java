package io.larder.node.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Every command the node knows, looked up by name without allocating (names are matched case-insensitively). */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new TreeMap<>();
    private CommandSpec[] buckets = new CommandSpec[0];
    private int mask;

    public void register(CommandSpec spec) {
        if (byName.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        rebuildIndex();
    }

    public CommandSpec get(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Looks up a command by its raw (any-case) name as sent by the client. */
    public CommandSpec lookup(byte[] name) {
        int i = hash(name) & mask;
        while (true) {
            CommandSpec spec = buckets[i];
            if (spec == null) {
                return null;
            }
            if (equalsIgnoreCase(spec.name(), name)) {
                return spec;
            }
            i = (i + 1) & mask;
        }
    }

    /** Looks up a subcommand of {@code parent} by its raw name, or null. */
    public static CommandSpec subcommand(CommandSpec parent, byte[] name) {
        return parent.subcommands().get(new String(name, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public int size() {
        return byName.size();
    }

    private void rebuildIndex() {
        int capacity = Integer.highestOneBit(Math.max(16, byName.size() * 4));
        buckets = new CommandSpec[capacity];
        mask = capacity - 1;
        for (CommandSpec spec : byName.values()) {
            int i = hash(spec.name().getBytes(StandardCharsets.US_ASCII)) & mask;
            while (buckets[i] != null) {
                i = (i + 1) & mask;
            }
            buckets[i] = spec;
        }
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            h = 31 * h + (b | 0x20);
        }
        return h ^ (h >>> 16);
    }

    private static boolean equalsIgnoreCase(String lowerName, byte[] raw) {
        if (lowerName.length() != raw.length) {
            return false;
        }
        for (int i = 0; i < raw.length; i++) {
            int c = raw[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (lowerName.charAt(i) != c) {
                return false;
            }
        }
        return true;
    }
}
