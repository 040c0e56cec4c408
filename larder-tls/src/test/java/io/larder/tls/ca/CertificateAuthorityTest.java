package io.larder.tls.ca;

import io.larder.tls.PemFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void savedCaLoadsBackAndSignsWhatItIssues() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", Duration.ofDays(30), KeyType.EC);
        ca.save(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        CertificateAuthority loaded = CertificateAuthority.load(dir);
        assertThat(loaded.certificate()).isEqualTo(ca.certificate());
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0); // a CA
        ca.certificate().verify(ca.certificate().getPublicKey()); // self-signed

        IssuedCertificate node = loaded.issue(new CertificateRequest("node-1", List.of("127.0.0.1", "::1"),
                List.of("localhost", "node-1.larder"), CertificateRequest.Usage.NODE, Duration.ofDays(10), KeyType.EC));
        X509Certificate cert = node.certificate();
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=node-1,O=Larder");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"), List.of(2, "localhost"), List.of(2, "node-1.larder"));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(PemFiles.matches(node.key(), cert)).isTrue();

        node.write(dir, "node-1");
        assertThat(PemFiles.readCertificates(dir.resolve("node-1.crt"))).containsExactly(cert);
        assertThat(Files.readString(dir.resolve("node-1.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PemFiles.readPrivateKey(dir.resolve("node-1.key"), "")).isEqualTo(node.key());
    }

    @Test
    void clientCertificatesOnlyAuthenticateClientsAndNeverOutliveTheCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Short CA", Duration.ofDays(2), KeyType.RSA);
        IssuedCertificate client = ca.issue(new CertificateRequest("app", List.of(), List.of(),
                CertificateRequest.Usage.CLIENT, Duration.ofDays(365), KeyType.RSA));
        assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(client.certificate().getSubjectAlternativeNames()).isNull();
        assertThat(client.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
        assertThat(client.key().getAlgorithm()).isEqualTo("RSA");
        client.certificate().verify(ca.certificate().getPublicKey());
    }

    @Test
    void refusesWhatIsNotAnAddressOrAName() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("CA", Duration.ofDays(2), KeyType.EC);
        assertThatThrownBy(() -> ca.issue(new CertificateRequest("n", List.of("example.com"), List.of(),
                CertificateRequest.Usage.NODE, Duration.ofDays(1), KeyType.EC)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an IP address: example.com");
        assertThatThrownBy(() -> new CertificateRequest(" ", List.of(), List.of(), CertificateRequest.Usage.NODE,
                Duration.ofDays(1), KeyType.EC)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateAuthority.load(dir)).hasMessageContaining("holds no CA");
    }
}
