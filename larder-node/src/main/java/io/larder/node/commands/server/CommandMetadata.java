package io.larder.node.commands.server;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.resp.ReplyWriter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes a command's metadata the way Redis 7's COMMAND INFO and COMMAND DOCS do. Flags, key-spec flags and
 * ACL categories come out in Redis's fixed table order whatever order a family declared them in, and
 * command flags with Redis's underscore spelling ("no-auth" is declared, "no_auth" reported).
 */
final class CommandMetadata {
    private static final List<String> COMMAND_FLAG_ORDER = List.of("write", "readonly", "denyoom", "module", "admin",
            "pubsub", "noscript", "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking", "fast",
            "no_auth", "may_replicate", "no_mandatory_keys", "no_async_loading", "no_multi", "movablekeys",
            "allow_busy");
    private static final List<String> KEY_FLAG_ORDER = List.of("RO", "RW", "OW", "RM", "access", "update", "insert",
            "delete", "not_key", "incomplete", "variable_flags");
    static final List<String> ACL_CATEGORY_ORDER = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    private CommandMetadata() {
    }

    /** The ten-element COMMAND INFO entry, subcommands included. */
    static void writeInfo(ReplyWriter out, CommandSpec spec) {
        out.array(10);
        out.bulk(spec.fullName());
        out.integer(spec.arity());
        List<String> flags = commandFlags(spec);
        out.set(flags.size());
        flags.forEach(out::simple);
        out.integer(spec.firstKey());
        out.integer(spec.lastKey());
        out.integer(spec.step());
        List<String> acl = ordered(spec.aclCategories(), ACL_CATEGORY_ORDER);
        out.set(acl.size());
        acl.forEach(c -> out.simple("@" + c));
        out.set(spec.tips().size());
        spec.tips().forEach(out::bulk);
        out.set(spec.keySpecs().size());
        spec.keySpecs().forEach(ks -> writeKeySpec(out, ks));
        // Redis replies an empty set, not an empty array, when there are no subcommands.
        if (spec.subcommands().isEmpty()) {
            out.set(0);
        } else {
            out.array(spec.subcommands().size());
            spec.subcommands().values().forEach(sub -> writeInfo(out, sub));
        }
    }

    /** Command flags in Redis's spelling and order. */
    static List<String> commandFlags(CommandSpec spec) {
        List<String> spelled = new ArrayList<>();
        for (String f : spec.flags()) {
            String name = f.replace('-', '_').toLowerCase(Locale.ROOT);
            // Redis keeps may_replicate out of COMMAND INFO on purpose; the dispatcher still acts on it.
            if (!name.equals("may_replicate")) {
                spelled.add(name);
            }
        }
        return ordered(spelled, COMMAND_FLAG_ORDER);
    }

    static List<String> keyFlags(List<String> flags) {
        return ordered(flags, KEY_FLAG_ORDER);
    }

    /** {@code values} sorted by their place in {@code order}; values Redis does not know keep their order at the end. */
    private static List<String> ordered(List<String> values, List<String> order) {
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(v -> {
            int i = order.indexOf(v);
            return i < 0 ? order.size() : i;
        }));
        return sorted;
    }

    private static void writeKeySpec(ReplyWriter out, KeySpec ks) {
        out.map(ks.notes() == null ? 3 : 4);
        if (ks.notes() != null) {
            out.bulk("notes");
            out.bulk(ks.notes());
        }
        out.bulk("flags");
        List<String> flags = keyFlags(ks.flags());
        out.set(flags.size());
        flags.forEach(out::simple);

        out.bulk("begin_search");
        out.map(2);
        out.bulk("type");
        out.bulk(ks.beginType());
        out.bulk("spec");
        switch (ks.beginType()) {
            case "index" -> {
                out.map(1);
                out.bulk("index");
                out.integer(ks.beginIndex());
            }
            case "keyword" -> {
                out.map(2);
                out.bulk("keyword");
                out.bulk(ks.beginKeyword());
                out.bulk("startfrom");
                out.integer(ks.keywordStartFrom());
            }
            default -> out.map(0);
        }

        out.bulk("find_keys");
        out.map(2);
        out.bulk("type");
        out.bulk(ks.findType());
        out.bulk("spec");
        switch (ks.findType()) {
            case "range" -> {
                out.map(3);
                out.bulk("lastkey");
                out.integer(ks.lastKeyOrKeyNumIndex());
                out.bulk("keystep");
                out.integer(ks.keyStepOrFirstKey());
                out.bulk("limit");
                out.integer(ks.limitOrKeyStep());
            }
            case "keynum" -> {
                out.map(3);
                out.bulk("keynumidx");
                out.integer(ks.lastKeyOrKeyNumIndex());
                out.bulk("firstkey");
                out.integer(ks.keyStepOrFirstKey());
                out.bulk("keystep");
                out.integer(ks.limitOrKeyStep());
            }
            default -> out.map(0);
        }
    }

    /** The COMMAND DOCS map of one command: the fields we have, then its subcommands. */
    static void writeDocs(ReplyWriter out, CommandSpec spec) {
        boolean hasComplexity = spec.complexity() != null && !spec.complexity().isEmpty();
        boolean hasSubs = !spec.subcommands().isEmpty();
        out.map(3 + (hasComplexity ? 1 : 0) + (hasSubs ? 1 : 0));
        out.bulk("summary");
        out.bulk(spec.summary());
        out.bulk("since");
        out.bulk(spec.since());
        out.bulk("group");
        out.bulk(spec.group());
        if (hasComplexity) {
            out.bulk("complexity");
            out.bulk(spec.complexity());
        }
        if (hasSubs) {
            out.bulk("subcommands");
            out.map(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                out.bulk(sub.fullName());
                writeDocs(out, sub);
            }
        }
    }
}
