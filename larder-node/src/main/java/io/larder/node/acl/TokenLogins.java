package io.larder.node.acl;

import io.larder.auth.TokenKeys;
import io.larder.auth.TokenVerifier;
import io.larder.node.config.ConfigException;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The users that log in with short-lived signed tokens instead of passwords ({@code larder-token-users}) and the
 * control plane's public keys that verify them ({@code larder-token-public-key-file}, one file per key; two
 * while the signing key rotates). Both are Larder's own parameters rather than an ACL rule, so ACL LIST, ACL
 * SAVE and aclfiles stay exactly Redis's and a token user's ACL line still loads in redis-server.
 */
final class TokenLogins {
    static final String USERS = "larder-token-users";
    static final String KEY_FILES = "larder-token-public-key-file";

    private volatile Set<String> users;
    private volatile TokenVerifier verifier;

    /** Reads the parameters as loaded; a bad key file or user list stops the node from starting. */
    TokenLogins(ServerConfig config) {
        ConfigParam usersParam = config.find(USERS);
        ConfigParam keysParam = config.find(KEY_FILES);
        try {
            users = parseUsers(usersParam.text());
            verifier = new TokenVerifier(readKeys(keysParam.text()));
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
                verifier = new TokenVerifier(readKeys(value));
            }
        });
    }

    boolean covers(String user) {
        return users.contains(user);
    }

    TokenVerifier.Verdict verify(String user, byte[] token, long nowMillis) {
        return verifier.verify(user, token, nowMillis);
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
