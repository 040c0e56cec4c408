package io.larder.node.acl;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Numbers every command and subcommand so that selectors can keep their allowed commands in a bit set. */
final class CommandIndex {
    /** Redis's categories, in the order ACL CAT lists them. */
    static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list", "hash",
            "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    private final CommandTable table;
    private final Map<CommandSpec, Integer> ids = new IdentityHashMap<>();
    private final List<CommandSpec> byId = new ArrayList<>();

    CommandIndex(CommandTable table) {
        this.table = table;
        for (CommandSpec spec : table.all()) {
            add(spec);
            spec.subcommands().values().forEach(this::add);
        }
    }

    private void add(CommandSpec spec) {
        ids.put(spec, byId.size());
        byId.add(spec);
    }

    int size() { return byId.size(); }

    int id(CommandSpec spec) {
        Integer id = ids.get(spec);
        return id == null ? -1 : id;
    }

    /** "get" or "config|get", any case; null when unknown (also for "get|x": GET has no subcommands). */
    CommandSpec lookup(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int bar = lower.indexOf('|');
        CommandSpec base = table.get(bar < 0 ? lower : lower.substring(0, bar));
        if (base == null || bar < 0) {
            return base;
        }
        return base.subcommands().get(lower.substring(bar + 1));
    }

    /** Commands and subcommands in a category, in the table's order. */
    List<CommandSpec> inCategory(String category) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec spec : byId) {
            if (spec.aclCategories().contains(category)) {
                out.add(spec);
            }
        }
        return out;
    }
}
