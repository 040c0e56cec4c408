package io.larder.node.acl;

import io.larder.auth.TokenKeys;
import io.larder.auth.TokenVerifier;
import io.larder.node.config.ConfigException;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The users that log in with short-lived signed tokens instead of passwords ({@code larder-token-users}) and the
 * control plane's public keys that verify them ({@code larder-token-public-key-file}, one file per key; two
 * while the signing key rotates). Both are Larder's own parameters rather than an ACL rule, so ACL LIST, ACL
 * SAVE and aclfiles stay exactly Redis's and a token user's ACL line still loads in redis-server.
 */
final class TokenLogins {
    static final String USERS = "larder-token-users";
    static final String KEY_FILES = "larder-token-public-key-file";
    /**
     * Where token signatures are checked: an Ed25519 check takes a fraction of a millisecond, so it stays off
     * the event loops, and one thread bounds what a flood of forged tokens can take from them. Each waiting
     * connection holds at most one check (its later requests wait), so the queue is bounded by the clients.
     */
    static final Executor SIGNATURE_CHECKS = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("larder-token-checks").factory());
    private static final int SEEN_VALID_MAX = 10_000;

    private volatile Set<String> users;
    private volatile Keys keys;

    /**
     * The verifier and the tokens whose signature it found valid, with their expiry (a pool logging in many
     * connections with one token pays one check); replaced as a whole when the key files change, so no token
     * checked with a dropped key stays remembered.
     */
    private record Keys(TokenVerifier verifier, Map<String, Long> seenValid) {
        Keys(List<PublicKey> keys) {
            this(new TokenVerifier(keys), new ConcurrentHashMap<>());
        }
    }

    /** Reads the parameters as loaded; a bad key file or user list stops the node from starting. */
    TokenLogins(ServerConfig config) {
        ConfigParam usersParam = config.find(USERS);
        ConfigParam keysParam = config.find(KEY_FILES);
        try {
            users = parseUsers(usersParam.text());
            keys = new Keys(readKeys(keysParam.text()));
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        usersParam.onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) throws ConfigException {
                users = parseUsers(value);
            }
        });
        // Setting the same files again re-reads them.
        keysParam.onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) throws ConfigException {
                keys = new Keys(readKeys(value));
            }
        });
    }

    boolean covers(String user) {
        return users.contains(user);
    }

    /** Everything but the signature (see {@link TokenVerifier#checkClaims}). */
    TokenVerifier.Verdict checkClaims(String user, byte[] token, long nowMillis) {
        return keys.verifier().checkClaims(user, token, nowMillis);
    }

    /** True when this exact token's signature was found valid with the current keys and it has not expired. */
    boolean seenValid(byte[] token) {
        Long expires = keys.seenValid().get(new String(token, StandardCharsets.ISO_8859_1));
        return expires != null && System.currentTimeMillis() < expires;
    }

    /** Checks the signature of a token whose claims passed (it expires at the time given), remembering it if valid. */
    boolean signatureValid(byte[] token, long expiresAtMillis) {
        Keys k = keys;
        if (!k.verifier().signatureValid(token)) {
            return false;
        }
        if (k.seenValid().size() >= SEEN_VALID_MAX) {
            k.seenValid().clear();
        }
        k.seenValid().put(new String(token, StandardCharsets.ISO_8859_1), expiresAtMillis);
        return true;
    }

    private static Set<String> parseUsers(String value) throws ConfigException {
        Set<String> names = Set.copyOf(words(value));
        // New connections are logged in as default without AUTH when it has no password, so it cannot be one.
        if (names.contains(Acl.DEFAULT)) {
            throw new ConfigException("the default user cannot be token-authenticated");
        }
        return names;
    }

    private static List<PublicKey> readKeys(String value) throws ConfigException {
        List<PublicKey> keys = new ArrayList<>();
        for (String file : words(value)) {
            try {
                keys.add(TokenKeys.readPublic(Path.of(file)));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("cannot read token public key " + file + ": " + e.getMessage());
            }
        }
        return keys;
    }

    private static List<String> words(String value) {
        String trimmed = value.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }
}
