package io.larder.tls.ca;

import io.larder.tls.PemFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A certificate authority that issues node and client certificates: the code behind {@code ./larder certs}, and
 * what the control plane calls to give each node it starts a certificate of its own. A CA lives in a directory as
 * {@code ca.crt} and {@code ca.key} (PEM, as OpenSSL writes them), so it can be inspected with openssl and
 * handed to redis-server's and redis-cli's tls options unchanged.
 */
public final class CertificateAuthority {
    public static final String CERT_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    /** Certificates start a little in the past, so that a peer whose clock is behind accepts them at once. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new self-signed CA. */
    public static CertificateAuthority create(String commonName, Duration validity, KeyType keyType)
            throws GeneralSecurityException {
        KeyPair pair = keyType.generate();
        X500Name subject = name(commonName);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** The CA kept in {@code dir} ({@code ca.crt} and {@code ca.key}). */
    public static CertificateAuthority load(Path dir) throws IOException {
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
            throw new IOException(dir + " holds no CA (" + CERT_FILE + " and " + KEY_FILE + ")");
        }
        List<X509Certificate> certs = PemFiles.readCertificates(certFile);
        if (certs.isEmpty()) {
            throw new IOException(certFile + ": no certificate found");
        }
        return new CertificateAuthority(certs.get(0), PemFiles.readPrivateKey(keyFile, ""));
    }

    /** Writes {@code ca.crt} and {@code ca.key} (readable by the owner only) into {@code dir}, creating it. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Pem.write(dir.resolve(CERT_FILE), Pem.certificate(certificate), false);
        Pem.write(dir.resolve(KEY_FILE), Pem.privateKey(key), true);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate in PEM, for tls-ca-cert-file and clients' --cacert. */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /**
     * A client's TLS context for nodes whose certificates this CA signed: it trusts this CA only and presents
     * {@code identity} when the node asks for a certificate (null: none).
     */
    public SSLContext clientContext(IssuedCertificate identity) throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManager[] keys = null;
            if (identity != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("client", identity.key(), new char[0], new X509Certificate[]{identity.certificate()});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, new char[0]);
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** Makes a key pair and a certificate for it, signed by this CA. */
    public IssuedCertificate issue(CertificateRequest request) throws GeneralSecurityException {
        KeyPair pair = request.keyType().generate();
        return new IssuedCertificate(sign(request, pair.getPublic()), pair.getPrivate());
    }

    private X509Certificate sign(CertificateRequest request, PublicKey subjectKey) throws GeneralSecurityException {
        Instant now = Instant.now();
        Instant notAfter = now.plus(request.validity());
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant(); // never outlives the CA
        }
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(request.commonName()), subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int usage = KeyUsage.digitalSignature;
            if (subjectKey.getAlgorithm().equals("RSA")) {
                usage |= KeyUsage.keyEncipherment;
            }
            b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            b.addExtension(Extension.extendedKeyUsage, false, request.usage() == CertificateRequest.Usage.NODE
                    ? new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
                    : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            List<GeneralName> alt = new ArrayList<>();
            for (String ip : request.ipAddresses()) {
                alt.add(new GeneralName(GeneralName.iPAddress, ipLiteral(ip)));
            }
            for (String dns : request.dnsNames()) {
                alt.add(new GeneralName(GeneralName.dNSName, dns));
            }
            if (!alt.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return sign(b, key);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** Checks that an address is a literal (no name lookup) and returns it in canonical form. */
    private static String ipLiteral(String ip) {
        if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + ip, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Larder").addRDN(BCStyle.CN, commonName).build();
    }

    /** A positive random serial of 159 bits, as RFC 5280 allows (at most 20 octets). */
    private static BigInteger serial() {
        return new BigInteger(159, RANDOM).setBit(0);
    }
}
