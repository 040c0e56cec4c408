package io.larder.control.security;

import io.larder.auth.TokenKeys;
import io.larder.auth.TokenVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class NodeSecurityTest {
    @TempDir
    Path dir;

    @Test
    void theCaAndTheSigningKeyAreMadeOnceAndKeptOwnerOnly() throws Exception {
        NodeSecurity first = new NodeSecurity(dir);
        assertThat(Files.exists(dir.resolve("ca"))).as("nothing made before it is needed").isFalse();
        String ca = first.caCertificatePem();
        String token = first.mintToken("app", 60, System.currentTimeMillis());
        for (String secret : new String[]{"ca/ca.key", "token-signing.key"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret))))
                    .as(secret).isEqualTo("rw-------");
        }

        NodeSecurity again = new NodeSecurity(dir);
        assertThat(again.caCertificatePem()).as("the CA is loaded, not made anew").isEqualTo(ca);
        assertThat(again.signingKey().getEncoded()).isEqualTo(first.signingKey().getEncoded());
        TokenVerifier nodeSide = new TokenVerifier(java.util.List.of(TokenKeys.readPublic(again.ensureTokenPublicKey())));
        assertThat(nodeSide.verify("app", token.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                System.currentTimeMillis()).accepted()).as("a node with the public key file accepts it").isTrue();
    }

    @Test
    void nodeCertificatesAreSignedByTheCaForTheLoopbackAddress() throws Exception {
        NodeSecurity security = new NodeSecurity(dir);
        Path node = Files.createDirectories(dir.resolve("node"));
        security.issueNodeCertificate("c/0001", node);
        var cert = io.larder.tls.PemFiles.readCertificates(node.resolve(NodeSecurity.NODE_CERT)).get(0);
        cert.verify(security.ca().certificate().getPublicKey());
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .contains("127.0.0.1", "localhost");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(node.resolve(NodeSecurity.NODE_KEY))))
                .isEqualTo("rw-------");
    }
}
