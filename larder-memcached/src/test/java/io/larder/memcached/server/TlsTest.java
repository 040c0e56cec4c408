package io.larder.memcached.server;

import io.larder.memcached.testing.BinaryFrames;
import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.MemcachedProcess;
import io.larder.tls.ca.CertificateAuthority;
import io.larder.tls.ca.CertificateRequest;
import io.larder.tls.ca.IssuedCertificate;
import io.larder.tls.ca.KeyType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * memcached's TLS (-Z with ssl_chain_cert, ssl_key, ssl_ca_cert, ssl_verify_mode): the same requests over TLS to
 * Debian's memcached (built with TLS) and to Larder get the same replies; certificates come from Larder's CA code.
 */
class TlsTest {
    @TempDir
    Path dir;
    private CertificateAuthority ca;
    private IssuedCertificate client;

    @BeforeEach
    void certificates() throws Exception {
        ca = CertificateAuthority.create("Test CA", Duration.ofDays(2), KeyType.EC);
        ca.save(dir);
        issueNode("node");
        client = ca.issue(new CertificateRequest("client", List.of(), List.of(), CertificateRequest.Usage.CLIENT,
                Duration.ofDays(1), KeyType.EC));
        // memcached drops to user nobody before it reads the files
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("node.key"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    private IssuedCertificate issueNode(String name) throws Exception {
        IssuedCertificate node = ca.issue(new CertificateRequest(name, List.of("127.0.0.1"), List.of(),
                CertificateRequest.Usage.NODE, Duration.ofDays(1), KeyType.EC));
        node.write(dir, name);
        return node;
    }

    private String[] tlsOptions(int verifyMode) {
        return new String[]{"-Z", "-o", "ssl_chain_cert=" + dir.resolve("node.crt") + ",ssl_key=" + dir.resolve("node.key")
                + ",ssl_ca_cert=" + dir.resolve("ca.crt") + ",ssl_verify_mode=" + verifyMode};
    }

    private static final String SCRIPT = "set k 0 0 5\r\nhello\r\nget k\r\nappend k 0 0 1\r\n!\r\ngets nope\r\n"
            + "incr k 1\r\ndelete k\r\nget k\r\nrefresh_certs\r\nversion\r\n";

    @Test
    void textProtocolOverTlsRepliesAsMemcached() throws Exception {
        try (MemcachedProcess memcached = MemcachedProcess.start(tlsOptions(2));
             LarderMemcached larder = LarderMemcached.start(tlsOptions(2))) {
            String expected = exchange(memcached.port(), client, SCRIPT, "VERSION ");
            assertThat(expected).startsWith("STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\nSTORED\r\nEND\r\n");
            assertThat(exchange(larder.port(), client, SCRIPT, "VERSION ")).isEqualTo(expected);
            // the ssl_* settings read back the same (same files, same flags)
            assertThat(sslSettings(larder.port())).isEqualTo(sslSettings(memcached.port())).hasSize(11)
                    .contains("STAT ssl_enabled yes", "STAT ssl_verify_mode 3");
        }
    }

    @Test
    void clientCertificateIsRequiredOrNotAsVerifyModeSays() throws Exception {
        try (LarderMemcached required = LarderMemcached.start(tlsOptions(2));
             LarderMemcached optional = LarderMemcached.start(tlsOptions(1));
             LarderMemcached none = LarderMemcached.start(tlsOptions(0))) {
            assertThatThrownBy(() -> exchange(required.port(), null, "version\r\n", "VERSION "))
                    .isInstanceOf(IOException.class);
            assertThat(exchange(required.port(), client, "version\r\n", "VERSION ")).startsWith("VERSION ");
            assertThat(exchange(optional.port(), null, "version\r\n", "VERSION ")).startsWith("VERSION ");
            assertThat(exchange(optional.port(), client, "version\r\n", "VERSION ")).startsWith("VERSION ");
            assertThat(exchange(none.port(), null, "version\r\n", "VERSION ")).startsWith("VERSION ");
            assertThat(sslSettingsOf(optional)).contains("STAT ssl_verify_mode 1");
        }
    }

    @Test
    void binaryProtocolOverTls() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start(tlsOptions(0))) {
            try (SSLSocket s = connect(larder.port(), null)) {
                s.getOutputStream().write(BinaryFrames.request(0x0b, "")); // version
                byte[] header = s.getInputStream().readNBytes(24);
                assertThat(header).hasSize(24);
                assertThat(header[0]).isEqualTo((byte) 0x81);
                int bodyLength = ((header[8] & 0xff) << 24) | ((header[9] & 0xff) << 16) | ((header[10] & 0xff) << 8)
                        | (header[11] & 0xff);
                assertThat(new String(s.getInputStream().readNBytes(bodyLength), StandardCharsets.US_ASCII))
                        .isEqualTo(McSettings.VERSION);
            }
        }
    }

    @Test
    void refreshCertsServesNewConnectionsTheNewCertificateAndRefusesABrokenOne() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start(tlsOptions(0));
             MemcachedProcess memcached = MemcachedProcess.start(tlsOptions(0))) {
            IssuedCertificate renewed = issueNode("renewed");
            Files.copy(dir.resolve("renewed.crt"), dir.resolve("node.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(dir.resolve("renewed.key"), dir.resolve("node.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(exchange(larder.port(), null, "refresh_certs\r\nversion\r\n", "VERSION ")).startsWith("OK\r\n");
            assertThat(peerCertificate(larder.port())).isEqualTo(renewed.certificate());

            Files.writeString(dir.resolve("node.crt"), "garbage\n");
            String error = "Error loading the certificate chain: " + dir.resolve("node.crt") + " : ";
            assertThat(exchange(memcached.port(), null, "refresh_certs\r\nversion\r\n", "VERSION ")).startsWith(error);
            assertThat(exchange(larder.port(), null, "refresh_certs\r\nversion\r\n", "VERSION ")).startsWith(error);
            assertThat(peerCertificate(larder.port())).isEqualTo(renewed.certificate());
        }
        try (LarderMemcached plain = LarderMemcached.start()) {
            assertThat(plainExchange(plain.port(), "refresh_certs\r\nversion\r\n", "VERSION "))
                    .startsWith("Error TLS not enabled\r\nVERSION ");
        }
    }

    @Test
    void plainClientOnTheTlsPortIsClosedAndTheNodeStaysUp() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start(tlsOptions(0))) {
            try (Socket s = new Socket("127.0.0.1", larder.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEnd(s.getInputStream())).doesNotContain("VERSION");
            }
            assertThat(exchange(larder.port(), null, "version\r\n", "VERSION ")).startsWith("VERSION ");
        }
    }

    @Test
    void unusableFilesAreRefusedAtStartUp() {
        assertThatThrownBy(() -> LarderMemcached.start("-Z", "-o", "ssl_chain_cert=" + dir.resolve("node.crt")
                + ",ssl_key=" + dir.resolve("ca.key")))
                .isInstanceOf(io.larder.tls.TlsConfigException.class).hasMessageEndingWith("key values mismatch");
        assertThatThrownBy(() -> McSettings.parse(List.of("-o", "ssl_verify_mode=4")))
                .hasMessage("Invalid ssl_verify_mode. Use help to see valid options.");
    }

    // ---- clients

    private List<String> sslSettings(int port) throws Exception {
        return exchange(port, client, "stats settings\r\n", "END\r\n").lines().filter(l -> l.startsWith("STAT ssl_")).toList();
    }

    private List<String> sslSettingsOf(LarderMemcached node) throws Exception {
        return sslSettings(node.port());
    }

    /** Sends the requests over TLS and reads until the reply contains {@code last} and a line end after it. */
    private String exchange(int port, IssuedCertificate identity, String requests, String last) throws Exception {
        try (SSLSocket s = connect(port, identity)) {
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            return readUntil(s.getInputStream(), last);
        }
    }

    private static String plainExchange(int port, String requests, String last) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            return readUntil(s.getInputStream(), last);
        }
    }

    private static String readUntil(InputStream in, String last) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + got.toString(StandardCharsets.US_ASCII));
            }
            got.write(b);
            String text = got.toString(StandardCharsets.US_ASCII);
            int at = text.indexOf(last);
            if (at >= 0 && text.endsWith("\r\n") && text.length() >= at + last.length()) {
                return text;
            }
        }
    }

    private static String readToEnd(InputStream in) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            in.transferTo(got);
        } catch (IOException reset) {
            // a reset is a clean refusal too
        }
        return got.toString(StandardCharsets.US_ASCII);
    }

    private X509Certificate peerCertificate(int port) throws Exception {
        try (SSLSocket s = connect(port, null)) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private SSLSocket connect(int port, IssuedCertificate identity) throws Exception {
        SSLSocket s = (SSLSocket) ca.clientContext(identity).getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(5000);
        return s;
    }
}
