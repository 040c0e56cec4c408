package io.larder.node.command;

import org.HdrHistogram.AtomicHistogram;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * One entry of the command table: the metadata COMMAND INFO/DOCS report and that the dispatcher, ACLs and
 * cluster slot checks work from, plus the code that runs the command.
 * <p>
 * Key positions follow Redis's legacy triple (first, last, step; a negative last counts from the end), or a
 * {@link KeyFinder} for commands flagged {@code movablekeys}.
 */
public final class CommandSpec {
    private final String name;
    private final String fullName;
    private final int arity;
    private final List<String> flags;
    // Flags the dispatcher tests on every call, resolved once.
    private final boolean fast;
    private final boolean skipSlowlog;
    private final boolean denyOom;
    /** The one key position of a single-key command (first == last, not movable), else 0. */
    private final int singleKey;
    private final int firstKey;
    private final int lastKey;
    private final int step;
    private final List<String> aclCategories;
    private final List<String> tips;
    private final List<KeySpec> keySpecs;
    private final String group;
    private final String since;
    private final String summary;
    private final String complexity;
    private final KeyFinder keyFinder;
    private final KeyFlags keyFlags;
    private final Command handler;
    private final boolean wholeKeyspace;
    private final Predicate<byte[][]> wholeKeyspaceWhen;
    private final Map<String, CommandSpec> subcommands = new TreeMap<>();
    private final CommandSpec parent;

    final LongAdder calls = new LongAdder();
    final LongAdder micros = new LongAdder();
    final LongAdder rejectedCalls = new LongAdder();
    final LongAdder failedCalls = new LongAdder();
    /** Created on the first call so commands never used cost no histogram memory. */
    private volatile AtomicHistogram latency;
    private static final long LATENCY_MAX_NANOS = 1_000_000_000L;

    CommandSpec(Builder b, CommandSpec parent) {
        this.name = b.name.toLowerCase(Locale.ROOT);
        this.parent = parent;
        this.fullName = parent == null ? name : parent.name + "|" + name;
        this.arity = b.arity;
        this.flags = List.copyOf(b.flags);
        this.fast = flags.contains("fast");
        this.skipSlowlog = flags.contains("skip_slowlog");
        this.denyOom = flags.contains("denyoom");
        this.singleKey = b.firstKey > 0 && b.firstKey == b.lastKey && !flags.contains("movablekeys") ? b.firstKey : 0;
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.step = b.step;
        this.aclCategories = List.copyOf(b.aclCategories);
        this.tips = List.copyOf(b.tips);
        this.keySpecs = List.copyOf(b.keySpecs);
        this.group = b.group;
        this.since = b.since;
        this.summary = b.summary;
        this.complexity = b.complexity;
        this.keyFinder = b.keyFinder;
        this.keyFlags = b.keyFlags;
        this.handler = b.handler;
        this.wholeKeyspace = b.wholeKeyspace;
        this.wholeKeyspaceWhen = b.wholeKeyspaceWhen;
        for (Builder sub : b.subcommands) {
            CommandSpec s = new CommandSpec(sub, this);
            subcommands.put(s.name, s);
        }
    }

    public static Builder builder(String name, int arity) {
        return new Builder(name, arity);
    }

    public String name() { return name; }

    /** "get", or "config|get" for a subcommand: the name Redis uses in errors, ACLs and stats. */
    public String fullName() { return fullName; }

    public int arity() { return arity; }

    public List<String> flags() { return flags; }

    public boolean hasFlag(String flag) { return flags.contains(flag); }

    public boolean isFast() { return fast; }

    /** Flagged "denyoom": refused while used memory stays above maxmemory. */
    public boolean denyOom() { return denyOom; }

    /** EXEC and the like: its queued commands are logged instead. */
    public boolean skipsSlowlog() { return skipSlowlog; }

    /** Position of the only key of a single-key command, or 0 when it has none or several. */
    public int singleKeyPosition() { return singleKey; }

    public int firstKey() { return firstKey; }

    public int lastKey() { return lastKey; }

    public int step() { return step; }

    public List<String> aclCategories() { return aclCategories; }

    public List<String> tips() { return tips; }

    public List<KeySpec> keySpecs() { return keySpecs; }

    public String group() { return group; }

    public String since() { return since; }

    public String summary() { return summary; }

    public String complexity() { return complexity; }

    public Command handler() { return handler; }

    /** Argument-dependent key flags, or null when the key specs' flags are exact. */
    public KeyFlags keyFlags() { return keyFlags; }

    public CommandSpec parent() { return parent; }

    public Map<String, CommandSpec> subcommands() { return subcommands; }

    /** The dispatcher takes every stripe for this command (FLUSHALL, KEYS, SWAPDB ...). */
    public boolean wholeKeyspace() { return wholeKeyspace; }

    /** Whether this command line needs every stripe: always, or when its arguments say so (SORT ... BY/GET). */
    public boolean wholeKeyspace(byte[][] args) {
        return wholeKeyspace || wholeKeyspaceWhen != null && wholeKeyspaceWhen.test(args);
    }

    public boolean arityMatches(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** Positions of key arguments in {@code args}. */
    public int[] keyPositions(byte[][] args) {
        if (keyFinder != null) {
            return keyFinder.keyPositions(args);
        }
        if (firstKey <= 0) {
            return NO_KEYS;
        }
        int last = lastKey >= 0 ? lastKey : args.length + lastKey;
        if (last < firstKey) {
            return NO_KEYS;
        }
        int count = (last - firstKey) / step + 1;
        int[] positions = new int[count];
        for (int i = 0, p = firstKey; i < count; i++, p += step) {
            positions[i] = p;
        }
        return positions;
    }

    public long calls() { return calls.sum(); }

    public long micros() { return micros.sum(); }

    public long rejectedCalls() { return rejectedCalls.sum(); }

    public long failedCalls() { return failedCalls.sum(); }

    public void recordCall(long elapsedMicros) {
        calls.increment();
        micros.add(elapsedMicros);
        AtomicHistogram h = latency;
        if (h == null) {
            h = createLatencyHistogram();
        }
        // Redis records nanoseconds (its microsecond measurement times 1000), clamped to the histogram's range.
        h.recordValue(Math.min(LATENCY_MAX_NANOS, Math.max(1, elapsedMicros * 1000)));
    }

    private synchronized AtomicHistogram createLatencyHistogram() {
        if (latency == null) {
            latency = new AtomicHistogram(1, LATENCY_MAX_NANOS, 2);
        }
        return latency;
    }

    /** Call latencies in nanoseconds (INFO latencystats, LATENCY HISTOGRAM), or null before the first call. */
    public AtomicHistogram latencyHistogram() {
        return latency;
    }

    public void recordRejected() {
        rejectedCalls.increment();
    }

    public void recordFailed() {
        failedCalls.increment();
    }

    public void resetStats() {
        calls.reset();
        micros.reset();
        rejectedCalls.reset();
        failedCalls.reset();
        AtomicHistogram h = latency;
        if (h != null) {
            h.reset();
        }
        subcommands.values().forEach(CommandSpec::resetStats);
    }

    static final int[] NO_KEYS = new int[0];

    /**
     * A Redis 7 key specification as COMMAND INFO reports it: where the search for keys begins
     * ({@code index} or {@code keyword}) and how keys are found from there ({@code range} or {@code keynum}).
     */
    public record KeySpec(List<String> flags, String beginType, int beginIndex, String beginKeyword, int keywordStartFrom,
                          String findType, int lastKeyOrKeyNumIndex, int keyStepOrFirstKey, int limitOrKeyStep,
                          String notes) {
        public KeySpec(List<String> flags, String beginType, int beginIndex, String beginKeyword, int keywordStartFrom,
                       String findType, int lastKeyOrKeyNumIndex, int keyStepOrFirstKey, int limitOrKeyStep) {
            this(flags, beginType, beginIndex, beginKeyword, keywordStartFrom, findType, lastKeyOrKeyNumIndex,
                    keyStepOrFirstKey, limitOrKeyStep, null);
        }

        /** Keys Redis cannot locate from the arguments' shape (SORT's BY/GET/STORE): begin and find are "unknown". */
        public static KeySpec unknown(String flags) {
            return new KeySpec(List.of(flags.split(" ")), "unknown", 0, null, 0, "unknown", 0, 0, 0, null);
        }

        /** The same spec with Redis's explanatory note, which COMMAND INFO reports. */
        public KeySpec withNotes(String text) {
            return new KeySpec(flags, beginType, beginIndex, beginKeyword, keywordStartFrom, findType,
                    lastKeyOrKeyNumIndex, keyStepOrFirstKey, limitOrKeyStep, text);
        }

        /** The common case: keys at fixed positions found by index and range. */
        public static KeySpec range(String flags, int index, int lastKey, int step, int limit) {
            return new KeySpec(List.of(flags.split(" ")), "index", index, null, 0, "range", lastKey, step, limit);
        }

        /** Keys counted by a numkeys argument. */
        public static KeySpec keynum(String flags, int index, int keyNumIndex, int firstKey, int keyStep) {
            return new KeySpec(List.of(flags.split(" ")), "index", index, null, 0, "keynum", keyNumIndex, firstKey, keyStep);
        }

        /** Keys that follow a keyword such as STORE. */
        public static KeySpec keyword(String flags, String keyword, int startFrom, int lastKey, int step, int limit) {
            return new KeySpec(List.of(flags.split(" ")), "keyword", 0, keyword, startFrom, "range", lastKey, step, limit);
        }
    }

    public static final class Builder {
        private final String name;
        private final int arity;
        private List<String> flags = List.of();
        private int firstKey;
        private int lastKey;
        private int step;
        private List<String> aclCategories = List.of();
        private List<String> tips = List.of();
        private List<KeySpec> keySpecs = List.of();
        private String group = "generic";
        private String since = "1.0.0";
        private String summary = "";
        private String complexity = "";
        private KeyFinder keyFinder;
        private KeyFlags keyFlags;
        private Command handler;
        private boolean wholeKeyspace;
        private Predicate<byte[][]> wholeKeyspaceWhen;
        private final java.util.ArrayList<Builder> subcommands = new java.util.ArrayList<>();

        Builder(String name, int arity) {
            this.name = name;
            this.arity = arity;
        }

        /** Redis's command flags, space separated in Redis's order: "write denyoom fast". */
        public Builder flags(String flags) {
            this.flags = flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
            return this;
        }

        /** The common shape: one key, at position 1, with these key-spec flags ("RW access update"). */
        public Builder singleKey(String keyFlags) {
            return keys(1, 1, 1).keySpecs(KeySpec.range(keyFlags, 1, 0, 1, 0));
        }

        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.step = step;
            return this;
        }

        /** ACL categories without the '@', space separated: "write string fast". */
        public Builder acl(String categories) {
            this.aclCategories = categories.isBlank() ? List.of() : List.of(categories.trim().split("\\s+"));
            return this;
        }

        public Builder tips(String... tips) {
            this.tips = List.of(tips);
            return this;
        }

        public Builder keySpecs(KeySpec... specs) {
            this.keySpecs = List.of(specs);
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder since(String since) {
            this.since = since;
            return this;
        }

        /** Our own one-line description for COMMAND DOCS. */
        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder complexity(String complexity) {
            this.complexity = complexity;
            return this;
        }

        public Builder keyFinder(KeyFinder finder) {
            this.keyFinder = finder;
            return this;
        }

        /** For commands with {@code variable_flags} key specs: the flags each key has in a given command line. */
        public Builder keyFlags(KeyFlags keyFlags) {
            this.keyFlags = keyFlags;
            return this;
        }

        public Builder handler(Command handler) {
            this.handler = handler;
            return this;
        }

        public Builder wholeKeyspace() {
            this.wholeKeyspace = true;
            return this;
        }

        /** Every stripe for the command lines {@code when} accepts (keys named by the data, as SORT's patterns). */
        public Builder wholeKeyspaceWhen(Predicate<byte[][]> when) {
            this.wholeKeyspaceWhen = when;
            return this;
        }

        public Builder subcommand(Builder sub) {
            subcommands.add(sub);
            return this;
        }

        public CommandSpec build() {
            return new CommandSpec(this, null);
        }
    }
}
