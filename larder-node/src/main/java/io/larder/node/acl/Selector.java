package io.larder.node.acl;

import io.larder.engine.util.Glob;
import io.larder.node.command.CommandSpec;
import io.larder.node.commands.server.CommandCommand;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one selector permits: commands (a bit per command id, plus the rules as given, which ACL LIST replays),
 * key patterns with their read/write access, and channel patterns. A user's root permissions are one selector;
 * {@code (...)} rules add more, and a command runs when any selector allows it.
 */
final class Selector {
    static final int OK = 0;
    // Ordered as Redis ranks them when several selectors refuse: the furthest-reaching denial is reported.
    static final int DENIED_COMMAND = 1;
    static final int DENIED_KEY = 2;
    static final int DENIED_CHANNEL = 4;

    private final CommandIndex index;
    private BitSet allowed;
    /** +@all / allcommands: the selector also allows commands added later. */
    private boolean allCommands;
    /** The command rules in the order they were given, each command or category at most once (Redis 7.2). */
    private List<String> commandRules;
    /** First arguments allowed for commands whose bit is clear ("+select|0"). */
    private Map<Integer, List<String>> firstArgs;
    private boolean allKeys;
    private List<KeyPattern> keys;
    private boolean allChannels;
    private List<String> channels;

    Selector(CommandIndex index, boolean allChannels) {
        this.index = index;
        this.allowed = new BitSet(index.size());
        this.commandRules = new ArrayList<>();
        this.firstArgs = new HashMap<>();
        this.keys = new ArrayList<>();
        this.allChannels = allChannels;
        this.channels = new ArrayList<>();
    }

    Selector copy() {
        Selector s = new Selector(index, allChannels);
        s.allowed = (BitSet) allowed.clone();
        s.allCommands = allCommands;
        s.commandRules = new ArrayList<>(commandRules);
        firstArgs.forEach((id, args) -> s.firstArgs.put(id, new ArrayList<>(args)));
        s.allKeys = allKeys;
        s.keys = new ArrayList<>(keys);
        s.channels = new ArrayList<>(channels);
        return s;
    }

    /** Everything is allowed: the dispatcher then skips every check. */
    boolean unrestricted() {
        return allCommands && allKeys && allChannels && allowed.cardinality() == index.size();
    }

    /** Applies one selector rule; false when {@code op} is not a selector rule (a user flag, say). */
    boolean apply(String op) throws AclException {
        String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "allkeys", "~*" -> {
                allKeys = true;
                keys.clear();
                return true;
            }
            case "resetkeys" -> {
                allKeys = false;
                keys.clear();
                return true;
            }
            case "allchannels", "&*" -> {
                allChannels = true;
                channels.clear();
                return true;
            }
            case "resetchannels" -> {
                allChannels = false;
                channels.clear();
                return true;
            }
            case "allcommands", "+@all" -> {
                allowed.set(0, index.size());
                allCommands = true;
                commandRules.clear();
                firstArgs.clear();
                return true;
            }
            case "nocommands", "-@all" -> {
                allowed.clear();
                allCommands = false;
                commandRules.clear();
                firstArgs.clear();
                return true;
            }
            default -> {
            }
        }
        if (op.isEmpty()) {
            return false;
        }
        char first = op.charAt(0);
        if (first == '~' || first == '%') {
            addKeyPattern(op);
            return true;
        }
        if (first == '&') {
            addChannel(op.substring(1));
            return true;
        }
        if ((first == '+' || first == '-') && op.length() > 1 && op.charAt(1) == '@') {
            String category = lower.substring(2);
            if (!CommandIndex.CATEGORIES.contains(category)) {
                throw new AclException(AclException.UNKNOWN_COMMAND);
            }
            for (CommandSpec spec : index.inCategory(category)) {
                change(spec, first == '+');
            }
            updateRules(lower.substring(1), first == '+');
            return true;
        }
        if (first == '+') {
            allowCommand(lower.substring(1));
            return true;
        }
        if (first == '-') {
            CommandSpec spec = index.lookup(lower.substring(1));
            if (spec == null) {
                throw new AclException(AclException.UNKNOWN_COMMAND);
            }
            change(spec, false);
            updateRules(spec.fullName(), false);
            return true;
        }
        return false;
    }

    private void allowCommand(String name) throws AclException {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            CommandSpec spec = index.lookup(name);
            if (spec == null) {
                throw new AclException(AclException.UNKNOWN_COMMAND);
            }
            change(spec, true);
            updateRules(spec.fullName(), true);
            return;
        }
        CommandSpec base = index.lookup(name.substring(0, bar));
        if (base == null) {
            throw new AclException(AclException.UNKNOWN_COMMAND);
        }
        if (base.parent() != null) {
            throw new AclException(AclException.FIRST_ARG_OF_SUBCOMMAND);
        }
        String sub = name.substring(bar + 1);
        if (sub.isEmpty()) {
            throw new AclException(AclException.SYNTAX);
        }
        if (!base.subcommands().isEmpty()) {
            CommandSpec spec = base.subcommands().get(sub);
            if (spec == null) {
                throw new AclException(AclException.UNKNOWN_COMMAND);
            }
            change(spec, true);
        } else {
            // A first argument of a command without subcommands ("+select|0"): Redis allows it, deprecated.
            List<String> args = firstArgs.computeIfAbsent(index.id(base), id -> new ArrayList<>());
            if (!args.contains(sub)) {
                args.add(sub);
            }
        }
        updateRules(name, true);
    }

    /** Sets or clears a command's bit, and those of its subcommands, forgetting its allowed first arguments. */
    private void change(CommandSpec spec, boolean allow) {
        int id = index.id(spec);
        allowed.set(id, allow);
        firstArgs.remove(id);
        for (CommandSpec sub : spec.subcommands().values()) {
            int subId = index.id(sub);
            allowed.set(subId, allow);
            firstArgs.remove(subId);
        }
    }

    /** Redis 7.2's ACLUpdateCommandRules: drops earlier rules on the same command (or its subcommands), appends. */
    private void updateRules(String name, boolean allow) {
        commandRules.removeIf(r -> {
            String body = r.substring(1);
            return body.equals(name) || body.startsWith(name + "|");
        });
        commandRules.add((allow ? "+" : "-") + name);
    }

    private void addKeyPattern(String op) throws AclException {
        boolean read = false;
        boolean write = false;
        int offset = 0;
        if (op.charAt(0) == '~') {
            read = write = true;
            offset = 1;
        } else {
            for (offset = 1; offset < op.length(); offset++) {
                char c = Character.toUpperCase(op.charAt(offset));
                if (c == 'R' && !read) {
                    read = true;
                } else if (c == 'W' && !write) {
                    write = true;
                } else if (c == '~') {
                    offset++;
                    break;
                } else {
                    throw new AclException(AclException.SYNTAX);
                }
            }
        }
        // Like Redis, "%R" without '~' is accepted as an empty pattern; only missing access flags are an error.
        if (!read && !write) {
            throw new AclException(AclException.SYNTAX);
        }
        if (allKeys) {
            throw new AclException(AclException.KEYS_AFTER_ALL);
        }
        String pattern = op.substring(Math.min(offset, op.length()));
        if (hasSpaces(pattern)) {
            throw new AclException(AclException.SYNTAX);
        }
        for (int i = 0; i < keys.size(); i++) {
            KeyPattern k = keys.get(i);
            if (k.pattern().equals(pattern)) {
                keys.set(i, new KeyPattern(pattern, k.read() || read, k.write() || write));
                return;
            }
        }
        keys.add(new KeyPattern(pattern, read, write));
    }

    private static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == 0) {
                return true;
            }
        }
        return false;
    }

    private void addChannel(String pattern) throws AclException {
        if (allChannels) {
            throw new AclException(AclException.CHANNELS_AFTER_ALL);
        }
        if (hasSpaces(pattern)) {
            throw new AclException(AclException.SYNTAX);
        }
        if (!channels.contains(pattern)) {
            channels.add(pattern);
        }
    }

    String describeCommands() {
        StringBuilder s = new StringBuilder(allCommands ? "+@all" : "-@all");
        for (String rule : commandRules) {
            s.append(' ').append(rule);
        }
        return s.toString();
    }

    String describeKeys() {
        if (allKeys) {
            return "~*";
        }
        StringBuilder s = new StringBuilder();
        for (KeyPattern k : keys) {
            if (!s.isEmpty()) {
                s.append(' ');
            }
            s.append(k.describe());
        }
        return s.toString();
    }

    /** Channels as GETUSER shows them: "&*", or the patterns. */
    String describeChannels() {
        if (allChannels) {
            return "&*";
        }
        StringBuilder s = new StringBuilder();
        for (String c : channels) {
            if (!s.isEmpty()) {
                s.append(' ');
            }
            s.append('&').append(c);
        }
        return s.toString();
    }

    /** The rules ACL LIST shows: keys, channels (from resetchannels when not all), commands. */
    String describe() {
        StringBuilder s = new StringBuilder();
        String k = describeKeys();
        if (!k.isEmpty()) {
            s.append(k).append(' ');
        }
        if (allChannels) {
            s.append("&* ");
        } else {
            s.append("resetchannels ");
            for (String c : channels) {
                s.append('&').append(c).append(' ');
            }
        }
        return s.append(describeCommands()).toString();
    }

    /**
     * Whether this selector lets {@code args} run as {@code spec}: {@link #OK} or a denial, with the index of
     * the refused argument put in {@code position[0]}.
     */
    int check(CommandSpec spec, byte[][] args, int[] position) {
        if (!allCommands || !allowed.get(index.id(spec))) {
            if (!spec.hasFlag("no_auth") && !commandAllowed(spec, args)) {
                position[0] = 0;
                return DENIED_COMMAND;
            }
        }
        if (!allKeys && (spec.firstKey() > 0 || !spec.keySpecs().isEmpty() || spec.hasFlag("movablekeys"))) {
            for (CommandCommand.KeyRef key : CommandCommand.KeyRef.find(spec, args)) {
                if (!keyAllowed(args[key.position()], key.flags())) {
                    position[0] = key.position();
                    return DENIED_KEY;
                }
            }
        }
        if (!allChannels) {
            int denied = checkChannels(spec, args);
            if (denied > 0) {
                position[0] = denied;
                return DENIED_CHANNEL;
            }
        }
        return OK;
    }

    private boolean commandAllowed(CommandSpec spec, byte[][] args) {
        int id = index.id(spec);
        if (allowed.get(id)) {
            return true;
        }
        List<String> allowedArgs = firstArgs.get(id);
        int argIndex = spec.parent() != null ? 2 : 1;
        if (allowedArgs == null || args.length <= argIndex) {
            return false;
        }
        String arg = new String(args[argIndex], StandardCharsets.UTF_8);
        for (String a : allowedArgs) {
            if (a.equalsIgnoreCase(arg)) {
                return true;
            }
        }
        return false;
    }

    boolean keyAllowed(byte[] key, List<String> specFlags) {
        if (allKeys) {
            return true;
        }
        boolean needRead = specFlags.contains("access");
        boolean needWrite = specFlags.contains("insert") || specFlags.contains("delete") || specFlags.contains("update");
        for (KeyPattern k : keys) {
            if ((needRead && !k.read()) || (needWrite && !k.write())) {
                continue;
            }
            if (Glob.matches(k.bytes(), key, false)) {
                return true;
            }
        }
        return false;
    }

    /** The first refused channel argument's index, or 0 when all are allowed (or the command has none). */
    private int checkChannels(CommandSpec spec, byte[][] args) {
        switch (spec.fullName()) {
            case "publish", "spublish" -> {
                return args.length > 1 && !channelAllowed(args[1], false) ? 1 : 0;
            }
            case "subscribe", "ssubscribe", "psubscribe" -> {
                boolean pattern = spec.fullName().equals("psubscribe");
                for (int i = 1; i < args.length; i++) {
                    if (!channelAllowed(args[i], pattern)) {
                        return i;
                    }
                }
                return 0;
            }
            default -> {
                return 0;
            }
        }
    }

    /** A channel must match one of the patterns; a PSUBSCRIBE pattern must be one of them literally. */
    boolean channelAllowed(byte[] channel, boolean isPattern) {
        if (allChannels) {
            return true;
        }
        String text = new String(channel, StandardCharsets.UTF_8);
        for (String p : channels) {
            if (isPattern ? p.equals(text) : Glob.matches(p.getBytes(StandardCharsets.UTF_8), channel, false)) {
                return true;
            }
        }
        return false;
    }
}
