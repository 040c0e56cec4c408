package io.larder.node.tls;

import io.larder.tls.ca.CertificateAuthority;
import io.larder.tls.ca.CertificateRequest;
import io.larder.tls.ca.IssuedCertificate;
import io.larder.tls.ca.KeyType;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** Certificates made by Larder's own CA code in a temporary directory: PEM files for servers, SSLContexts for clients. */
public final class TestCertificates {
    final Path dir;
    final CertificateAuthority ca;
    /** A second CA that the node does not trust. */
    public final CertificateAuthority strangerCa;
    final IssuedCertificate node;
    final IssuedCertificate client;
    final IssuedCertificate stranger;

    public TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        ca = CertificateAuthority.create("Test CA", Duration.ofDays(2), KeyType.EC);
        ca.save(dir);
        node = issueNode("node");
        client = ca.issue(clientRequest("client"));
        client.write(dir, "client");
        strangerCa = CertificateAuthority.create("Stranger CA", Duration.ofDays(2), KeyType.EC);
        stranger = strangerCa.issue(clientRequest("stranger"));
        stranger.write(dir, "stranger");
    }

    /** A node certificate for 127.0.0.1 and localhost, written as NAME.crt and NAME.key. */
    IssuedCertificate issueNode(String name) throws Exception {
        IssuedCertificate c = ca.issue(new CertificateRequest(name, List.of("127.0.0.1"), List.of("localhost"),
                CertificateRequest.Usage.NODE, Duration.ofDays(1), KeyType.EC));
        c.write(dir, name);
        return c;
    }

    private static CertificateRequest clientRequest(String name) {
        return new CertificateRequest(name, List.of(), List.of(), CertificateRequest.Usage.CLIENT, Duration.ofDays(1),
                KeyType.EC);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    public String path(String name) {
        return file(name).toString();
    }

    /** Options that give a node the TLS port and its certificate, key and CA. */
    public List<String> nodeOptions(int tlsPort) {
        return List.of("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", path("node.crt"),
                "--tls-key-file", path("node.key"), "--tls-ca-cert-file", path("ca.crt"));
    }

    /** A client context trusting our CA, presenting {@code identity} when not null. */
    SSLContext clientContext(IssuedCertificate identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(identity == null ? null : new KeyManager[]{new Presenting(identity)}, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Presents its certificate whatever CAs the server names: the JDK's own key managers would send nothing when
     * the issuer is not among them, and an untrusted certificate could then never reach the server.
     */
    private static final class Presenting extends X509ExtendedKeyManager {
        private final IssuedCertificate identity;

        Presenting(IssuedCertificate identity) {
            this.identity = identity;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return "me";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return "me";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[]{identity.certificate()};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[]{"me"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
