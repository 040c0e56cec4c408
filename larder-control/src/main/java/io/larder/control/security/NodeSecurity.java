package io.larder.control.security;

import io.larder.auth.AuthToken;
import io.larder.auth.TokenKeys;
import io.larder.tls.ca.CertificateAuthority;
import io.larder.tls.ca.CertificateRequest;
import io.larder.tls.ca.KeyType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The control plane's secrets, under {@code <data-dir>/security}, each made on first need and then kept: the CA
 * that signs every TLS node's certificate ({@code ca/ca.crt}, {@code ca/ca.key} mode 600) and the Ed25519 key
 * that signs auth tokens ({@code token-signing.key} mode 600, {@code token-signing.pub} for the nodes). Also the
 * one way the control plane connects to its nodes, in plain text or over TLS trusting its CA.
 */
public final class NodeSecurity {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration NODE_CERT_VALIDITY = Duration.ofDays(825);
    public static final String NODE_CERT = "tls.crt";
    public static final String NODE_KEY = "tls.key";
    private final Path dir;
    private CertificateAuthority ca;
    private SSLContext clientContext;
    private PrivateKey signingKey;

    public NodeSecurity(Path dir) {
        this.dir = dir;
    }

    private Path caDir() {
        return dir.resolve("ca");
    }

    public Path caCertificateFile() {
        return caDir().resolve(CertificateAuthority.CERT_FILE);
    }

    public Path tokenPublicKeyFile() {
        return dir.resolve("token-signing.pub");
    }

    private Path tokenPrivateKeyFile() {
        return dir.resolve("token-signing.key");
    }

    /** The CA, created and saved the first time it is needed. */
    public synchronized CertificateAuthority ca() {
        if (ca == null) {
            try {
                if (Files.isRegularFile(caCertificateFile())) {
                    ca = CertificateAuthority.load(caDir());
                } else {
                    CertificateAuthority made = CertificateAuthority.create("Larder control plane CA", CA_VALIDITY,
                            KeyType.EC);
                    made.save(caDir());
                    ca = made;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the CA in " + caDir(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot create the CA", e);
            }
        }
        return ca;
    }

    /** The CA certificate in PEM, what clients give as --cacert. */
    public String caCertificatePem() {
        return ca().certificatePem();
    }

    /**
     * Issues a node a certificate for the address clients reach it by (127.0.0.1 and localhost, where the local
     * provisioner runs nodes) and writes {@link #NODE_CERT} and {@link #NODE_KEY} into {@code nodeDir}. A node gets
     * a fresh one at every start, so nothing expires under a node that is restarted now and then.
     */
    public void issueNodeCertificate(String name, Path nodeDir) throws IOException {
        try {
            ca().issue(new CertificateRequest(name, List.of("127.0.0.1"), List.of("localhost"),
                    CertificateRequest.Usage.NODE, NODE_CERT_VALIDITY, KeyType.EC)).write(nodeDir, "tls");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot issue a certificate for " + name, e);
        }
    }

    /** The token signing key, created with its public half the first time it is needed. */
    public synchronized PrivateKey signingKey() {
        if (signingKey == null) {
            try {
                if (Files.isRegularFile(tokenPrivateKeyFile())) {
                    signingKey = TokenKeys.readPrivate(tokenPrivateKeyFile());
                } else {
                    KeyPair pair = TokenKeys.generate();
                    Files.createDirectories(dir);
                    Files.writeString(tokenPublicKeyFile(), TokenKeys.publicPem(pair.getPublic()));
                    Path tmp = dir.resolve("token-signing.key.tmp");
                    Files.deleteIfExists(tmp);
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(tmp, TokenKeys.privatePem(pair.getPrivate()));
                    // Written last: a key file present means its public half is too.
                    Files.move(tmp, tokenPrivateKeyFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    signingKey = pair.getPrivate();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the token signing key in " + dir, e);
            }
        }
        return signingKey;
    }

    /** Makes sure the public key file exists (the nodes load it) and returns it. */
    public Path ensureTokenPublicKey() {
        signingKey();
        return tokenPublicKeyFile();
    }

    public String mintToken(String user, long ttlSeconds, long nowMillis) {
        return AuthToken.mint(signingKey(), user, ttlSeconds, nowMillis);
    }

    private synchronized SSLContext clientContext() {
        if (clientContext == null) {
            try {
                clientContext = ca().clientContext(null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make a TLS context for the CA", e);
            }
        }
        return clientContext;
    }

    /**
     * A connection to a node: plain, or TLS trusting only the control plane's CA and checking that the node's
     * certificate names {@code address}. The handshake is done before it returns, within the timeout.
     */
    public Socket connect(String address, int port, boolean tls, int timeoutMillis) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            if (!tls) {
                return plain;
            }
            SSLSocket s = (SSLSocket) clientContext().getSocketFactory().createSocket(plain, address, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }
}
