package io.larder.tls.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** The key a certificate is made for: ECDSA P-256 (small, fast handshakes; the default) or RSA 2048. */
public enum KeyType {
    EC, RSA;

    KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator g;
        if (this == EC) {
            g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }
}
