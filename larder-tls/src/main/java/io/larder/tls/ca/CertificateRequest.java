package io.larder.tls.ca;

import java.time.Duration;
import java.util.List;

/**
 * What a certificate is issued for: the common name, the addresses and host names a client may reach the
 * holder by (subjectAltName), and whether it serves (a node: server and client authentication, since a node is
 * also a replication client) or only authenticates a client.
 */
public record CertificateRequest(String commonName, List<String> ipAddresses, List<String> dnsNames,
                                 Usage usage, Duration validity, KeyType keyType) {
    public enum Usage { NODE, CLIENT }

    public CertificateRequest {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate needs a name");
        }
        ipAddresses = List.copyOf(ipAddresses);
        dnsNames = List.copyOf(dnsNames);
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
    }
}
