package io.larder.tls.ca;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A certificate with its private key, as the CA issued it. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
    /** The certificate in PEM, as tls-cert-file expects it. */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The key in unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), as tls-key-file expects it. */
    public String keyPem() {
        return Pem.privateKey(key);
    }

    /** Writes {@code NAME.crt} and {@code NAME.key} (readable by the owner only) into {@code dir}. */
    public void write(Path dir, String name) throws IOException {
        Pem.write(dir.resolve(name + ".crt"), certificatePem(), false);
        Pem.write(dir.resolve(name + ".key"), keyPem(), true);
    }
}
