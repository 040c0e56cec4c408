package io.larder.memcached.sasl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * Users and passwords from a memcached password file: one {@code user:password} a line (memcached's -Y format
 * and its MEMCACHED_SASL_PWDB format). Blank lines and lines starting with '#' are skipped.
 */
public final class Credentials {
    private final Map<String, byte[]> passwords;

    private Credentials(Map<String, byte[]> passwords) {
        this.passwords = passwords;
    }

    public static Credentials load(Path file) throws IOException {
        Map<String, byte[]> map = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad line in " + file + " (expected user:password)");
            }
            map.put(l.substring(0, colon), l.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
        return new Credentials(map);
    }

    /** The user's password, or null for an unknown user (CRAM-MD5 needs it as the HMAC key). */
    byte[] password(String user) {
        return passwords.get(user);
    }

    /** Constant-time comparison of the password, so the answer time tells nothing. */
    public boolean check(String user, byte[] password) {
        byte[] expected = passwords.get(user);
        return expected != null && MessageDigest.isEqual(expected, password);
    }
}
