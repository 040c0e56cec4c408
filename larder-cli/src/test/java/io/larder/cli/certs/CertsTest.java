package io.larder.cli.certs;

import io.larder.tls.PemFiles;
import io.larder.tls.ca.CertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code larder certs ca|node|client}: PEM files signed by the CA, as redis-server and redis-cli take them. */
class CertsTest {
    @TempDir
    Path dir;

    private static int run(String... args) {
        return new CommandLine(new Certs()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Test
    void makesACaAndCertificatesSignedByIt() throws Exception {
        Path ca = dir.resolve("ca");
        assertThat(run("ca", "--out", ca.toString())).isZero();
        assertThat(run("ca", "--out", ca.toString())).as("an existing CA is kept").isEqualTo(1);
        X509Certificate caCert = CertificateAuthority.load(ca).certificate();

        assertThat(run("node", "--ca", ca.toString(), "--name", "node-1", "--ip", "127.0.0.1", "--dns", "localhost",
                "--dns", "node-1.internal", "--key-type", "rsa")).isZero();
        X509Certificate node = PemFiles.readCertificates(ca.resolve("node-1.crt")).get(0);
        node.verify(caCert.getPublicKey());
        assertThat(node.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(7, "127.0.0.1"),
                List.of(2, "localhost"), List.of(2, "node-1.internal"));
        assertThat(PemFiles.matches(PemFiles.readPrivateKey(ca.resolve("node-1.key"), ""), node)).isTrue();
        assertThat(node.getPublicKey().getAlgorithm()).isEqualTo("RSA");

        Path clients = dir.resolve("clients");
        assertThat(run("client", "--ca", ca.toString(), "--name", "app", "--out", clients.toString(), "--days", "30"))
                .isZero();
        X509Certificate app = PemFiles.readCertificates(clients.resolve("app.crt")).get(0);
        app.verify(caCert.getPublicKey());
        assertThat(app.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");

        assertThat(run("node", "--ca", ca.toString(), "--name", "../escape")).isEqualTo(1);
        assertThat(run("node", "--ca", dir.resolve("none").toString(), "--name", "x")).isNotZero();
    }
}
