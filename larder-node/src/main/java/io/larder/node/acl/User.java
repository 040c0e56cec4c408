package io.larder.node.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user. Its rules live in an immutable-once-published {@link Rules} value that ACL SETUSER replaces as a
 * whole, so a failed SETUSER changes nothing and concurrent permission checks always see a consistent set.
 */
public final class User {
    private final String name;
    private volatile Rules rules;
    /**
     * On, no selector restrictions: the dispatcher reads only this field for such users. It is published after
     * {@link #rules}, so a client that sees it false finds the restricting rules.
     */
    volatile boolean unrestricted;

    User(String name, Rules rules) {
        this.name = name;
        publish(rules);
    }

    public String name() { return name; }

    /** True when commands by this user need no permission check at all (the default {@code +@all ~* &*}). */
    public boolean unrestricted() { return unrestricted; }

    Rules rules() { return rules; }

    void publish(Rules r) {
        this.rules = r;
        this.unrestricted = r.root.unrestricted() && r.selectors.isEmpty();
    }

    public boolean nopass() { return rules.nopass; }

    /** The state SETUSER edits: flags, password hashes, the root selector and the added selectors. */
    static final class Rules {
        boolean enabled;
        boolean nopass;
        boolean sanitizePayload = true;
        boolean skipSanitizePayload;
        LinkedHashSet<String> passwords = new LinkedHashSet<>();
        Selector root;
        List<Selector> selectors = new ArrayList<>();

        Rules(Selector root) {
            this.root = root;
        }

        Rules copy() {
            Rules r = new Rules(root.copy());
            r.enabled = enabled;
            r.nopass = nopass;
            r.sanitizePayload = sanitizePayload;
            r.skipSanitizePayload = skipSanitizePayload;
            r.passwords = new LinkedHashSet<>(passwords);
            selectors.forEach(s -> r.selectors.add(s.copy()));
            return r;
        }

        /** Applies one SETUSER argument (a selector's "(...)" as one argument). */
        void apply(String op, Acl acl) throws AclException {
            String lower = op.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "" -> {
                    // Redis ignores empty rules.
                }
                case "on" -> enabled = true;
                case "off" -> enabled = false;
                case "nopass" -> {
                    nopass = true;
                    passwords.clear();
                }
                case "resetpass" -> {
                    nopass = false;
                    passwords.clear();
                }
                case "skip-sanitize-payload" -> {
                    skipSanitizePayload = true;
                    sanitizePayload = false;
                }
                case "sanitize-payload" -> {
                    sanitizePayload = true;
                    skipSanitizePayload = false;
                }
                case "clearselectors" -> selectors.clear();
                case "reset" -> {
                    nopass = false;
                    passwords.clear();
                    root.apply("resetkeys");
                    root.apply("resetchannels");
                    if (acl.pubsubDefaultAll()) {
                        root.apply("allchannels");
                    }
                    enabled = false;
                    sanitizePayload = true;
                    skipSanitizePayload = false;
                    selectors.clear();
                    root.apply("-@all");
                }
                default -> applyOther(op, acl);
            }
        }

        private void applyOther(String op, Acl acl) throws AclException {
            char first = op.isEmpty() ? 0 : op.charAt(0);
            switch (first) {
                case '>' -> {
                    passwords.add(sha256(op.substring(1)));
                    nopass = false;
                }
                case '#' -> {
                    passwords.add(checkedHash(op.substring(1)));
                    nopass = false;
                }
                case '<' -> {
                    if (!passwords.remove(sha256(op.substring(1)))) {
                        throw new AclException(AclException.NO_SUCH_PASSWORD);
                    }
                }
                case '!' -> {
                    if (!passwords.remove(checkedHash(op.substring(1)))) {
                        throw new AclException(AclException.NO_SUCH_PASSWORD);
                    }
                }
                case '(' -> {
                    if (!op.endsWith(")")) {
                        throw new AclException(AclException.SYNTAX);
                    }
                    Selector s = acl.newSelector();
                    for (String part : op.substring(1, op.length() - 1).trim().split("\\s+")) {
                        if (!part.isEmpty() && !s.apply(part)) {
                            throw new AclException(AclException.SYNTAX);
                        }
                    }
                    selectors.add(s);
                }
                default -> {
                    if (!root.apply(op)) {
                        throw new AclException(AclException.SYNTAX);
                    }
                }
            }
        }

        /** ACL LIST's line after "user name". */
        String describe() {
            StringBuilder s = new StringBuilder();
            for (String flag : flags()) {
                s.append(flag).append(' ');
            }
            for (String p : passwords) {
                s.append('#').append(p).append(' ');
            }
            s.append(root.describe());
            for (Selector sel : selectors) {
                s.append(" (").append(sel.describe()).append(')');
            }
            return s.toString();
        }

        List<String> flags() {
            List<String> flags = new ArrayList<>(3);
            flags.add(enabled ? "on" : "off");
            if (nopass) {
                flags.add("nopass");
            }
            if (skipSanitizePayload) {
                flags.add("skip-sanitize-payload");
            }
            if (sanitizePayload) {
                flags.add("sanitize-payload");
            }
            return flags;
        }

        boolean passwordMatches(byte[] password) {
            if (nopass) {
                return true;
            }
            byte[] hash = HexFormat.of().formatHex(digest(password)).getBytes(StandardCharsets.US_ASCII);
            boolean found = false;
            for (String p : passwords) {
                // Compare every hash in constant time so the reply time says nothing about which one matched.
                found |= MessageDigest.isEqual(p.getBytes(StandardCharsets.US_ASCII), hash);
            }
            return found;
        }
    }

    private static String checkedHash(String hash) throws AclException {
        if (hash.length() != 64) {
            throw new AclException(AclException.BAD_HASH);
        }
        for (int i = 0; i < 64; i++) {
            char c = hash.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new AclException(AclException.BAD_HASH);
            }
        }
        return hash;
    }

    static String sha256(String password) {
        return HexFormat.of().formatHex(digest(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** One digest per thread: looking the algorithm up costs more than hashing a password. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static byte[] digest(byte[] data) {
        return SHA256.get().digest(data);
    }
}
