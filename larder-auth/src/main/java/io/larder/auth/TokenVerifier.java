package io.larder.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Checks tokens offline against the control plane's public keys: usually one, two while the signing key
 * rotates (tokens of the old and the new key are both accepted until the old one is dropped). Immutable and
 * thread-safe.
 */
public final class TokenVerifier {
    /** How far a token's issue time may be ahead of this node's clock. */
    public static final long CLOCK_SKEW_SECONDS = 60;
    /** Longer input is refused before any decoding. */
    static final int MAX_TOKEN_CHARS = 1024;
    private static final byte[] PREFIX_BYTES = AuthToken.PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final List<PublicKey> keys;

    public TokenVerifier(List<PublicKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<PublicKey> keys() {
        return keys;
    }

    /** Why a token was refused; the text goes to the node's ACL LOG. */
    public enum Failure {
        NO_KEYS("no token public key configured"),
        MALFORMED("malformed token"),
        BAD_SIGNATURE("bad token signature"),
        WRONG_USER("token for another user"),
        TOO_LONG_LIVED("token lifetime over 15 minutes"),
        NOT_YET_VALID("token issued in the future"),
        EXPIRED("expired token");

        public final String text;

        Failure(String text) {
            this.text = text;
        }
    }

    /** The outcome: the token's claims when accepted, else why not. */
    public record Verdict(AuthToken token, Failure failure) {
        public boolean accepted() {
            return failure == null;
        }
    }

    /** Checks {@code token} as the password {@code user} presented at {@code nowMillis}. */
    public Verdict verify(String user, byte[] token, long nowMillis) {
        Verdict v = checkClaims(user, token, nowMillis);
        return !v.accepted() || signatureValid(token) ? v : new Verdict(v.token(), Failure.BAD_SIGNATURE);
    }

    /**
     * Everything but the signature, which costs far more than the rest (a fraction of a millisecond): a token
     * refused here needs no signature check. Accepted means {@link #signatureValid} is still to be asked.
     */
    public Verdict checkClaims(String user, byte[] token, long nowMillis) {
        if (keys.isEmpty()) {
            return refused(Failure.NO_KEYS);
        }
        int dot = signatureDot(token);
        byte[] payload = dot < 0 ? null : canonicalBase64(token, PREFIX_BYTES.length, dot);
        byte[] signature = dot < 0 ? null : canonicalBase64(token, dot + 1, token.length);
        if (payload == null || signature == null || payload.length <= AuthToken.TIMES_BYTES
                || payload.length > AuthToken.TIMES_BYTES + AuthToken.MAX_USER_BYTES
                || signature.length != AuthToken.SIGNATURE_BYTES) {
            return refused(Failure.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long issued = b.getLong();
        long expires = b.getLong();
        String named;
        try {
            named = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            return refused(Failure.MALFORMED);
        }
        AuthToken claims = new AuthToken(named, issued, expires);
        if (!named.equals(user)) {
            return new Verdict(claims, Failure.WRONG_USER);
        }
        if (expires <= issued || expires - issued > AuthToken.MAX_TTL_SECONDS) {
            return new Verdict(claims, Failure.TOO_LONG_LIVED);
        }
        long nowSeconds = Math.floorDiv(nowMillis, 1000);
        if (issued > nowSeconds + CLOCK_SKEW_SECONDS) {
            return new Verdict(claims, Failure.NOT_YET_VALID);
        }
        if (nowMillis >= expires * 1000) {
            return new Verdict(claims, Failure.EXPIRED);
        }
        return new Verdict(claims, null);
    }

    /** Whether one of the keys signed {@code token}, which {@link #checkClaims} accepted. */
    public boolean signatureValid(byte[] token) {
        int dot = signatureDot(token);
        byte[] signature = dot < 0 ? null : canonicalBase64(token, dot + 1, token.length);
        if (signature == null) {
            return false;
        }
        for (PublicKey key : keys) {
            try {
                Signature s = Signature.getInstance(TokenKeys.ALGORITHM);
                s.initVerify(key);
                s.update(token, 0, dot);
                if (s.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // A key or signature the provider rejects verifies nothing; try the next key.
            }
        }
        return false;
    }

    /** Where the signature's '.' is in a token of this format's shape, or -1. */
    private static int signatureDot(byte[] token) {
        if (token.length > MAX_TOKEN_CHARS || token.length < PREFIX_BYTES.length
                || !Arrays.equals(token, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length)) {
            return -1;
        }
        for (int i = token.length - 1; i > PREFIX_BYTES.length; i--) {
            if (token[i] == '.') {
                return i;
            }
        }
        return -1;
    }

    private static Verdict refused(Failure f) {
        return new Verdict(null, f);
    }

    /** The bytes of an unpadded base64url run, or null unless it is exactly what the encoder writes for them. */
    private static byte[] canonicalBase64(byte[] text, int from, int to) {
        byte[] part = Arrays.copyOfRange(text, from, to);
        byte[] decoded;
        try {
            decoded = Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return Arrays.equals(AuthToken.B64.encode(decoded), part) ? decoded : null;
    }
}
