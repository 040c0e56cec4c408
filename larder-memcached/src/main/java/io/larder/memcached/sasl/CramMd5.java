package io.larder.memcached.sasl;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The SASL CRAM-MD5 mechanism (RFC 2195), which spymemcached's {@code AuthDescriptor.typical} prefers: the server
 * sends a fresh challenge, the client answers {@code user HEX(HMAC-MD5(password, challenge))}.
 */
public final class CramMd5 {
    private static final SecureRandom RANDOM = new SecureRandom();

    private CramMd5() {
    }

    public static byte[] challenge() {
        return ("<" + Long.toUnsignedString(RANDOM.nextLong()) + "." + System.currentTimeMillis() + "@larder>")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code response} answers {@code challenge} for a known user. */
    public static boolean verify(Credentials users, byte[] challenge, byte[] response) {
        String r = new String(response, StandardCharsets.UTF_8);
        int space = r.lastIndexOf(' ');
        if (space <= 0) {
            return false;
        }
        byte[] password = users.password(r.substring(0, space));
        if (password == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(password, "HmacMD5"));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(challenge)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, r.substring(space + 1).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
