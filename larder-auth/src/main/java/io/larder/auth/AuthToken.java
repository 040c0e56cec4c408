package io.larder.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * A short-lived signed auth token, presented as the password of a token-authenticated user (see
 * docs/security.md for the format):
 * <pre>
 *   lt1.&lt;base64url(payload)&gt;.&lt;base64url(Ed25519 signature)&gt;        (base64url without padding)
 *   payload   = issued-at (int64, Unix seconds) | expires-at (int64, Unix seconds) | user name (UTF-8, the rest)
 *   signature = Ed25519 over the ASCII text "lt1.&lt;base64url(payload)&gt;"
 * </pre>
 * Signing the text rather than the decoded bytes binds the version prefix and leaves no second encoding of a
 * signed payload to accept. Whoever holds the private key (the control plane) mints; nodes verify with the
 * public key only ({@link TokenVerifier}).
 */
public record AuthToken(String user, long issuedAtSeconds, long expiresAtSeconds) {
    /** The version prefix; a new format gets a new prefix, and nodes refuse prefixes they do not know. */
    public static final String PREFIX = "lt1.";
    /** The longest a token may live, as ElastiCache's IAM tokens: 15 minutes. */
    public static final long MAX_TTL_SECONDS = 900;
    /** User names longer than this cannot be put in a token (it keeps tokens well under any client's limits). */
    public static final int MAX_USER_BYTES = 512;
    static final int TIMES_BYTES = 16;
    static final int SIGNATURE_BYTES = 64;
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * Mints a token for {@code user} living {@code ttlSeconds} (1 to 900) from {@code nowMillis}, rounded down
     * to the second.
     */
    public static String mint(PrivateKey key, String user, long ttlSeconds, long nowMillis) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("ttl must be 1 to " + MAX_TTL_SECONDS + " seconds, not " + ttlSeconds);
        }
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_USER_BYTES) {
            throw new IllegalArgumentException("user name must be 1 to " + MAX_USER_BYTES + " bytes");
        }
        long issued = Math.floorDiv(nowMillis, 1000);
        byte[] payload = ByteBuffer.allocate(TIMES_BYTES + name.length)
                .putLong(issued).putLong(issued + ttlSeconds).put(name).array();
        String signed = PREFIX + B64.encodeToString(payload);
        try {
            Signature s = Signature.getInstance(TokenKeys.ALGORITHM);
            s.initSign(key);
            s.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }
}
