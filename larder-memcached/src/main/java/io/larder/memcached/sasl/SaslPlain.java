package io.larder.memcached.sasl;

import java.nio.charset.StandardCharsets;

/** The SASL PLAIN mechanism (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. */
public final class SaslPlain {

    private SaslPlain() {
    }

    /** Whether the PLAIN message names a known user with the right password. */
    public static boolean authenticate(Credentials users, byte[] message) {
        int first = indexOf(message, 0);
        if (first < 0) {
            return false;
        }
        int second = indexOf(message, first + 1);
        if (second < 0) {
            return false;
        }
        String user = new String(message, first + 1, second - first - 1, StandardCharsets.UTF_8);
        byte[] password = java.util.Arrays.copyOfRange(message, second + 1, message.length);
        return users.check(user, password);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
