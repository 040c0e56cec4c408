package io.larder.node.acl;

import io.larder.auth.TokenVerifier;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import io.larder.node.server.PubSub;
import io.larder.node.server.Subscriptions;

/**
 * The node's users and their permissions (Redis 7.2's ACL): rule parsing, authentication, the permission check
 * the dispatcher runs for restricted users, the ACL LOG, and the ACL file.
 */
public final class Acl {
    public static final String DEFAULT = "default";
    static final String NO_ACL_FILE = "This Redis instance is not configured to use an ACL file. You may want to "
            + "specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
            + "configuration file set) in order to store users in the Redis configuration.";

    private final ServerConfig config;
    private final CommandIndex index;
    private final NavigableMap<String, User> users = new ConcurrentSkipListMap<>();
    private final AclLog log = new AclLog(System::currentTimeMillis);
    private final User defaultUser;
    /** The node's connections (wired by the node), to close those of deleted or disabled users. */
    private Supplier<Collection<Client>> clients = List::of;
    /** The client running SETUSER/DELUSER/LOAD, under this object's lock: it is closed only after its reply. */
    private Client caller;
    /** Token-authenticated users; only the node's registry has them (ACL LOAD's scratch copy never logs in). */
    private TokenLogins tokens;

    public Acl(ServerConfig config, CommandTable table) {
        this(config, new CommandIndex(table));
        this.tokens = new TokenLogins(config);
        applyRequirepass(config.requirepass.text());
        config.requirepass.onChange(new io.larder.node.config.ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) {
                applyRequirepass(value);
            }
        });
        config.find("acllog-max-len").onChange(new io.larder.node.config.ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) {
                log.trim(maxLogLength());
            }
        });
    }

    /** Loads the users of the config file's "user" lines, or of the aclfile; a message for a fatal error. */
    public String loadAtStartup(List<List<String>> userLines) {
        String file = config.find("aclfile").text();
        if (!userLines.isEmpty() && !file.isEmpty()) {
            return "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path "
                    + "is invalid. This setup is very likely to lead to configuration errors and security holes, "
                    + "please define either an ACL file or declare users directly in your redis.conf, but not both.";
        }
        try {
            if (!file.isEmpty()) {
                String error = loadFile(Path.of(file), false);
                // Never drop requirepass silently: a file that leaves the default user passwordless keeps it.
                if (error == null && defaultUser.nopass() && !config.requirepass.text().isEmpty()) {
                    applyRequirepass(config.requirepass.text());
                }
                return error;
            }
            for (List<String> line : userLines) {
                if (line.isEmpty()) {
                    return "Bad user line";
                }
                setUser(line.get(0), line.subList(1, line.size()));
            }
        } catch (AclException e) {
            return e.getMessage();
        }
        return null;
    }

    public void clients(Supplier<Collection<Client>> clients) {
        this.clients = clients;
    }

    /** Closes the connections running as {@code u} (the caller's after its reply). */
    private void disconnect(User u) {
        for (Client c : clients.get()) {
            if (c.aclUser() == u) {
                if (c == caller) {
                    c.closeAfterReply();
                } else {
                    c.kill();
                }
            }
        }
    }

    /**
     * As Redis does when a user loses channel permissions: its clients subscribed to a channel or pattern the
     * new rules refuse are closed. Each connection checks its own subscriptions on its event loop.
     */
    private void killUnpermittedSubscribers(User u) {
        for (Client c : clients.get()) {
            if (c.aclUser() != u || c.subscriptionsIfAny() == null) {
                continue;
            }
            c.channel().eventLoop().execute(() -> {
                Subscriptions s = c.subscriptionsIfAny();
                User.Rules r = u.rules();
                if (s != null && (!allSubscribed(r, s.names(PubSub.Kind.CHANNEL), false)
                        || !allSubscribed(r, s.names(PubSub.Kind.SHARD), false)
                        || !allSubscribed(r, s.names(PubSub.Kind.PATTERN), true))) {
                    c.kill();
                }
            });
        }
    }

    private static boolean allSubscribed(User.Rules r, List<byte[]> names, boolean patterns) {
        for (byte[] name : names) {
            boolean allowed = r.root.channelAllowed(name, patterns);
            for (int i = 0; !allowed && i < r.selectors.size(); i++) {
                allowed = r.selectors.get(i).channelAllowed(name, patterns);
            }
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    Selector newSelector() {
        return new Selector(index, pubsubDefaultAll());
    }

    boolean pubsubDefaultAll() {
        return config.find("acl-pubsub-default").text().equals("allchannels");
    }

    int maxLogLength() {
        return (int) Math.min(Integer.MAX_VALUE, config.find("acllog-max-len").asLong());
    }

    /** requirepass sets the default user's one password (or nopass when empty), as Redis does. */
    private void applyRequirepass(String password) {
        User.Rules r = defaultUser.rules().copy();
        r.passwords.clear();
        r.nopass = password.isEmpty();
        if (!password.isEmpty()) {
            r.passwords.add(User.sha256(password));
        }
        defaultUser.publish(r);
    }

    public User defaultUser() { return defaultUser; }

    public User user(String name) { return users.get(name); }

    public Collection<User> users() { return users.values(); }

    /** Whether new connections must AUTH: the default user needs a password or is disabled. */
    public boolean authRequired() {
        User.Rules r = defaultUser.rules();
        return !r.nopass || !r.enabled;
    }

    /**
     * AUTH's outcome: the user logged in and, for a token user, when its token expires (the connection is closed
     * then unless it logs in again); or null with, for a refused token, why.
     */
    public record Login(User user, long expiresAtMillis, String failure) {
        static final Login REFUSED = new Login(null, 0, null);
    }

    /**
     * Checks a password, or for a user of larder-token-users a signed token, and hands the outcome to
     * {@code then}: at once, except when a token's signature must be checked (not seen valid before); that runs
     * off the event loop, with {@code c}'s later requests held until {@code then} has run on its event loop.
     */
    public void login(Client c, String name, byte[] password, Consumer<Login> then) {
        User u = users.get(name);
        if (u == null || !u.rules().enabled) {
            then.accept(Login.REFUSED);
            return;
        }
        if (!tokens.covers(name)) {
            then.accept(u.rules().passwordMatches(password) ? new Login(u, 0, null) : Login.REFUSED);
            return;
        }
        // Its ACL passwords (or nopass) never open a token user: only a token does.
        TokenVerifier.Verdict claims = tokens.checkClaims(name, password, System.currentTimeMillis());
        if (!claims.accepted()) {
            then.accept(new Login(null, 0, claims.failure().text));
            return;
        }
        long expires = claims.token().expiresAtSeconds() * 1000;
        if (tokens.seenValid(password)) {
            then.accept(new Login(u, expires, null));
        } else if (c.handler() == null || c.transaction().executing()) {
            then.accept(signed(u, expires, tokens.signatureValid(password, expires)));
        } else {
            c.handler().runAside(TokenLogins.SIGNATURE_CHECKS, () -> tokens.signatureValid(password, expires),
                    valid -> then.accept(signed(u, expires, valid)));
        }
    }

    private static Login signed(User u, long expiresAtMillis, boolean valid) {
        if (!valid) {
            return new Login(null, 0, TokenVerifier.Failure.BAD_SIGNATURE.text);
        }
        // The user may have been turned off while its signature was checked.
        return u.rules().enabled ? new Login(u, expiresAtMillis, null) : Login.REFUSED;
    }

    /**
     * Logs a failed AUTH/HELLO AUTH and counts it. The object is the command's name as sent, followed for a
     * refused token by the reason ("AUTH: expired token").
     */
    public void authFailed(Client c, String command, String username, String tokenFailure) {
        c.node().stats().aclDeniedAuth.increment();
        String object = tokenFailure == null ? command : command + ": " + tokenFailure;
        log.add("auth", context(c), object, username, clientInfo(c), maxLogLength());
    }

    /**
     * The cron's check: closes the connections whose login token expired before {@code nowMillis}, and those
     * still unauthenticated after larder-unauthenticated-timeout seconds.
     */
    public void closeExpiredLogins(long nowMillis) {
        long unauthenticatedMillis = config.find("larder-unauthenticated-timeout").asLong() * 1000;
        boolean authRequired = authRequired();
        for (Client c : clients.get()) {
            long expires = c.loginExpiresMillis();
            if (expires != 0 && nowMillis >= expires
                    || unauthenticatedMillis > 0 && authRequired && !c.authenticated()
                    && nowMillis - c.createdMillis() >= unauthenticatedMillis) {
                c.kill();
            }
        }
    }

    /**
     * Creates or edits a user with SETUSER arguments (a selector may span several arguments). Nothing changes
     * when one rule is refused. Clients of a user turned off are disconnected.
     */
    public synchronized User setUser(Client by, String name, List<String> args) throws AclException {
        caller = by;
        try {
            return setUser(name, args);
        } finally {
            caller = null;
        }
    }

    synchronized User setUser(String name, List<String> args) throws AclException {
        List<String> ops = mergeSelectors(args);
        User existing = users.get(name);
        User.Rules rules = existing != null ? existing.rules().copy() : new User.Rules(newSelector());
        if (existing == null) {
            rules.root.apply("-@all");
        }
        for (String op : ops) {
            try {
                rules.apply(op, this);
            } catch (AclException e) {
                throw new AclException("Error in ACL SETUSER modifier '" + op + "': " + e.getMessage());
            }
        }
        if (existing == null) {
            User u = new User(name, rules);
            users.put(name, u);
            return u;
        }
        boolean wasEnabled = existing.rules().enabled;
        existing.publish(rules);
        if (wasEnabled && !rules.enabled) {
            disconnect(existing);
        } else {
            killUnpermittedSubscribers(existing);
        }
        return existing;
    }

    private static List<String> mergeSelectors(List<String> args) throws AclException {
        List<String> out = new ArrayList<>(args.size());
        StringBuilder open = null;
        String openedBy = null;
        for (String a : args) {
            if (open == null && a.startsWith("(") && !a.endsWith(")")) {
                open = new StringBuilder(a);
                openedBy = a;
                continue;
            }
            if (open != null) {
                open.append(' ').append(a);
                if (a.endsWith(")")) {
                    out.add(open.toString());
                    open = null;
                }
                continue;
            }
            out.add(a);
        }
        if (open != null) {
            throw new AclException("Unmatched parenthesis in acl selector starting at '" + openedBy + "'.");
        }
        return out;
    }

    /** Deletes users and disconnects their clients; the number deleted. */
    public synchronized int deleteUsers(Client by, List<String> names) throws AclException {
        caller = by;
        if (names.contains(DEFAULT)) {
            throw new AclException("The 'default' user cannot be removed");
        }
        int deleted = 0;
        for (String name : names) {
            User u = users.remove(name);
            if (u != null) {
                deleted++;
                disconnect(u);
            }
        }
        caller = null;
        return deleted;
    }

    /** CONFIG REWRITE's "user" lines: every user, unless users live in an aclfile. */
    public List<String> configUserLines() {
        return config.find("aclfile").text().isEmpty() ? describeAll() : List.of();
    }

    /** ACL LIST's lines, users in name order. */
    public List<String> describeAll() {
        List<String> out = new ArrayList<>();
        for (User u : users.values()) {
            out.add("user " + u.name() + " " + u.rules().describe());
        }
        return out;
    }

    /**
     * The permission check for a restricted user ({@link User#unrestricted()} false): true when {@code args} may
     * run as {@code spec}; otherwise replies with Redis's NOPERM error, logs and counts the denial.
     */
    public boolean permits(Client c, CommandSpec spec, byte[][] args, String context) {
        String denial = denial(c, spec, args, context);
        if (denial == null) {
            return true;
        }
        c.error("NOPERM " + denial);
        return false;
    }

    /**
     * For scripts (and anything else that reports a denial its own way): null when {@code c}'s user may run
     * {@code args} as {@code spec}, else Redis's short denial text ("No permissions to access a key", ...), the
     * denial already logged (ACL LOG, with {@code context} such as "lua") and counted. Redis's scripts answer
     * "ERR ACL failure in script: " + that text. Callers skip it when {@code c.aclUser().unrestricted()}.
     */
    public String denial(Client c, CommandSpec spec, byte[][] args, String context) {
        int[] position = new int[1];
        int denial = check(c.aclUser(), spec, args, position);
        if (denial == Selector.OK) {
            return null;
        }
        String object = record(c, spec, args, denial, position[0], context);
        return denialMessage(denial, c.aclUser(), spec, object, false);
    }

    /** EXEC's re-check of a queued command, with Redis's "ACLs rules changed" error. */
    public boolean permitsAtExec(Client c, CommandSpec spec, byte[][] args) {
        int[] position = new int[1];
        int denial = check(c.aclUser(), spec, args, position);
        if (denial == Selector.OK) {
            return true;
        }
        record(c, spec, args, denial, position[0], "multi");
        c.error("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: " + switch (denial) {
                    case Selector.DENIED_COMMAND -> "no permission to execute the command or subcommand";
                    case Selector.DENIED_KEY -> "no permission to touch the specified keys";
                    default -> "no permission to access one of the channels used as arguments";
                });
        return false;
    }

    /** Counts and logs a denial; returns its object (the command's name, or the refused key or channel). */
    private String record(Client c, CommandSpec spec, byte[][] args, int denial, int position, String context) {
        String object = denial == Selector.DENIED_COMMAND ? spec.fullName()
                : new String(args[position], StandardCharsets.UTF_8);
        String reason = switch (denial) {
            case Selector.DENIED_COMMAND -> {
                c.node().stats().aclDeniedCommand.increment();
                yield "command";
            }
            case Selector.DENIED_KEY -> {
                c.node().stats().aclDeniedKey.increment();
                yield "key";
            }
            default -> {
                c.node().stats().aclDeniedChannel.increment();
                yield "channel";
            }
        };
        log.add(reason, context == null ? context(c) : context, object, c.aclUser().name(), clientInfo(c),
                maxLogLength());
        return object;
    }

    /** The dispatcher's check: "toplevel", or "multi" for a command queued in a transaction. */
    public boolean permits(Client c, CommandSpec spec, byte[][] args) {
        return permits(c, spec, args, null);
    }

    /** Selector.OK or the most relevant denial over the user's selectors, as Redis's ACLCheckAllUserCommandPerm. */
    int check(User u, CommandSpec spec, byte[][] args, int[] position) {
        User.Rules r = u.rules();
        int relevant = Selector.OK;
        int relevantPos = 0;
        int[] pos = new int[1];
        for (int i = -1; i < r.selectors.size(); i++) {
            Selector s = i < 0 ? r.root : r.selectors.get(i);
            int result = s.check(spec, args, pos);
            if (result == Selector.OK) {
                return Selector.OK;
            }
            if (result > relevant || result == relevant && pos[0] > relevantPos) {
                relevant = result;
                relevantPos = pos[0];
            }
        }
        position[0] = relevantPos;
        return relevant;
    }

    static String denialMessage(int denial, User u, CommandSpec spec, String object, boolean verbose) {
        return switch (denial) {
            case Selector.DENIED_COMMAND -> "User " + u.name() + " has no permissions to run the '" + spec.fullName()
                    + "' command";
            case Selector.DENIED_KEY -> verbose ? "No permissions to access the '" + object + "' key"
                    : "No permissions to access a key";
            default -> verbose ? "No permissions to access the '" + object + "' channel"
                    : "No permissions to access a channel";
        };
    }

    /** ACL DRYRUN's answer: null when permitted, else the verbose denial. */
    String dryRun(User u, CommandSpec spec, byte[][] args) {
        int[] position = new int[1];
        int denial = check(u, spec, args, position);
        if (denial == Selector.OK) {
            return null;
        }
        String object = denial == Selector.DENIED_COMMAND ? spec.fullName()
                : new String(args[position[0]], StandardCharsets.UTF_8);
        return denialMessage(denial, u, spec, object, true);
    }

    AclLog log() { return log; }

    CommandIndex index() { return index; }

    private static String context(Client c) {
        return c.transaction().open() || c.transaction().executing() ? "multi" : "toplevel";
    }

    private static String clientInfo(Client c) {
        return io.larder.node.commands.connection.ClientCommand.describe(c).strip();
    }

    /** ACL SAVE: the users, one ACL LIST line each, written atomically. */
    synchronized void save() throws AclException {
        String file = config.find("aclfile").text();
        if (file.isEmpty()) {
            throw new AclException(NO_ACL_FILE);
        }
        Path path = Path.of(file);
        try {
            Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), "temp-", ".acl");
            Files.writeString(tmp, String.join("\n", describeAll()) + "\n");
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AclException("There was an error trying to save the ACLs. Please check the server logs for "
                    + "more information");
        }
    }

    /** ACL LOAD: replaces every user by the file's, or changes nothing when a line is wrong. */
    synchronized void load(Client by) throws AclException {
        caller = by;
        String file = config.find("aclfile").text();
        if (file.isEmpty()) {
            throw new AclException(NO_ACL_FILE);
        }
        String error = loadFile(Path.of(file), true);
        caller = null;
        if (error != null) {
            throw new AclException(error);
        }
    }

    private String loadFile(Path path, boolean disconnectChanged) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + path + "': " + e.getMessage();
        }
        // Parse into a fresh set of users first so a bad line leaves the current ones untouched.
        Acl scratch = new Acl(config, index);
        java.util.Set<String> loaded = new java.util.HashSet<>();
        StringBuilder errors = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (!words[0].equals("user") || words.length < 2) {
                errors.append(path).append(':').append(n + 1).append(": line should start with user keyword. ");
                continue;
            }
            if (loaded.contains(words[1])) {
                errors.append(path).append(':').append(n + 1).append(": Duplicate user '").append(words[1])
                        .append("' found. ");
                continue;
            }
            loaded.add(words[1]);
            try {
                List<String> ops = new ArrayList<>(List.of(words).subList(2, words.length));
                ops.add(0, "reset");
                scratch.setUser(words[1], ops);
            } catch (AclException e) {
                String msg = e.getMessage();
                String prefix = "Error in ACL SETUSER modifier ";
                errors.append(path).append(':').append(n + 1).append(": ")
                        .append(msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg).append(". ");
            }
        }
        if (!errors.isEmpty()) {
            return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was "
                    + "performed").toString();
        }
        // User objects stay when their name does (clients hold them); they take the file's rules.
        for (User u : List.copyOf(users.values())) {
            User replacement = scratch.users.get(u.name());
            // Like Redis, a file without a default user line gives it its initial rules.
            if (replacement == null) {
                users.remove(u.name());
                if (disconnectChanged) {
                    disconnect(u);
                }
            } else {
                publishLoaded(u, replacement, disconnectChanged);
            }
        }
        for (User u : scratch.users.values()) {
            users.putIfAbsent(u.name(), u);
        }
        return null;
    }

    private void publishLoaded(User u, User replacement, boolean disconnectChanged) {
        boolean changed = !replacement.rules().describe().equals(u.rules().describe());
        u.publish(replacement.rules());
        if (changed && disconnectChanged) {
            disconnect(u);
        }
    }

    /** Only the default user, as Redis creates it; ACL LOAD also parses into such a scratch registry. */
    private Acl(ServerConfig config, CommandIndex index) {
        this.config = config;
        this.index = index;
        User.Rules rules = new User.Rules(newSelector());
        try {
            for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
                rules.apply(op, this);
            }
        } catch (AclException e) {
            throw new IllegalStateException(e);
        }
        this.defaultUser = new User(DEFAULT, rules);
        users.put(DEFAULT, defaultUser);
    }
}
