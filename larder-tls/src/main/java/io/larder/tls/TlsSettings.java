package io.larder.tls;

import java.util.List;

/**
 * What a server's TLS context is built from, in redis-server's terms (tls-cert-file, tls-key-file, ...). Empty
 * strings mean "not set", as in Redis's config. Protocols, ciphers and ciphersuites are the raw config texts:
 * protocols space-separated ("TLSv1.2 TLSv1.3"), ciphers and ciphersuites colon-separated OpenSSL names.
 */
public record TlsSettings(String certFile, String keyFile, String keyPassword, String caCertFile, String caCertDir,
                          String protocols, String ciphers, String ciphersuites, boolean preferServerCiphers,
                          boolean sessionCaching, int sessionCacheSize, int sessionCacheTimeoutSeconds,
                          boolean caRequired, ClientIdentity client) {

    /**
     * The certificate a server presents when it connects out (to its master: tls-client-cert-file,
     * tls-client-key-file, tls-client-key-file-pass). Unset, it presents its server certificate, as Redis does.
     */
    public record ClientIdentity(String certFile, String keyFile, String keyPassword) {
        public static final ClientIdentity NONE = new ClientIdentity("", "", "");

        boolean set() {
            return !certFile.isEmpty() && !keyFile.isEmpty();
        }
    }

    /** Settings of a server that never connects out with TLS (or presents its server certificate when it does). */
    public TlsSettings(String certFile, String keyFile, String keyPassword, String caCertFile, String caCertDir,
                       String protocols, String ciphers, String ciphersuites, boolean preferServerCiphers,
                       boolean sessionCaching, int sessionCacheSize, int sessionCacheTimeoutSeconds,
                       boolean caRequired) {
        this(certFile, keyFile, keyPassword, caCertFile, caCertDir, protocols, ciphers, ciphersuites,
                preferServerCiphers, sessionCaching, sessionCacheSize, sessionCacheTimeoutSeconds, caRequired,
                ClientIdentity.NONE);
    }

    /** The protocols to enable, in the JDK's spelling; Redis's default (TLSv1.2 and TLSv1.3) when unset. */
    public List<String> protocolList() throws TlsConfigException {
        if (protocols.isBlank()) {
            return List.of("TLSv1.2", "TLSv1.3");
        }
        List<String> result = new java.util.ArrayList<>();
        for (String p : protocols.trim().split("\\s+")) {
            String name = switch (p.toLowerCase(java.util.Locale.ROOT)) {
                case "tlsv1" -> "TLSv1";
                case "tlsv1.1" -> "TLSv1.1";
                case "tlsv1.2" -> "TLSv1.2";
                case "tlsv1.3" -> "TLSv1.3";
                default -> throw new TlsConfigException("Invalid tls-protocols specified. Use a combination of "
                        + "'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            };
            result.add(name);
        }
        return result;
    }
}
