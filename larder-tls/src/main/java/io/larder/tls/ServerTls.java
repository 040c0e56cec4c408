package io.larder.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A server's TLS context, rebuilt from {@link TlsSettings} on demand. A rebuild is atomic, as Redis's
 * tlsConfigure: a setting that fails leaves the previous context serving. Connections accepted after a rebuild
 * use the new context; those already open keep the session they negotiated.
 * <p>
 * The engine is BoringSSL (netty-tcnative) when it loads, the JDK's otherwise; the system property
 * {@code larder.tls.provider=jdk} forces the JDK's (to compare the two).
 */
public final class ServerTls {
    /** How a connection treats the client's certificate (redis-server's tls-auth-clients). */
    public enum ClientAuth { NO, YES, OPTIONAL }

    private final SslProvider provider;
    private volatile Built current;

    /** A context on the preferred engine: BoringSSL when it loads, unless larder.tls.provider=jdk. */
    public ServerTls() {
        this(preferredProvider());
    }

    /** A context on the given engine (tests compare both). */
    public ServerTls(SslProvider provider) {
        this.provider = provider;
    }

    private record Built(SslContext context, SslContext clientContext, boolean preferServerCiphers,
                         X509Certificate certificate, SslProvider provider) {
    }

    /** A certificate chain with its private key, checked to belong together. */
    private record Identity(List<X509Certificate> chain, PrivateKey key) {
    }

    /** The TLS engine new connections get: "openssl" (BoringSSL) or "jdk". */
    public String provider() {
        Built b = current;
        return (b == null ? provider : b.provider()) == SslProvider.OPENSSL ? "openssl" : "jdk";
    }

    public static SslProvider preferredProvider() {
        String forced = System.getProperty("larder.tls.provider", "");
        if (forced.equalsIgnoreCase("jdk")) {
            return SslProvider.JDK;
        }
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** True once a context was built. */
    public boolean configured() {
        return current != null;
    }

    /** Builds a context from the settings and, only if that succeeds, makes it the one new connections use. */
    public void configure(TlsSettings settings) throws TlsConfigException {
        current = build(settings, provider);
    }

    /** The server certificate (the first of tls-cert-file's chain) in use, or null before configuration. */
    public X509Certificate certificate() {
        Built b = current;
        return b == null ? null : b.certificate();
    }

    /** A handler for a newly accepted connection, verifying the client's certificate as {@code auth} says. */
    public SslHandler newHandler(ByteBufAllocator alloc, ClientAuth auth) {
        Built b = current;
        // the context's own handler: for BoringSSL it unwraps many records per call (no JDK compatibility mode)
        SslHandler handler = b.context().newHandler(alloc);
        SSLEngine engine = handler.engine();
        switch (auth) {
            case NO -> engine.setNeedClientAuth(false);
            case OPTIONAL -> engine.setWantClientAuth(true);
            case YES -> engine.setNeedClientAuth(true);
        }
        // set either way: both engines default to the server's order, Redis's default is the client's
        SSLParameters params = engine.getSSLParameters();
        params.setUseCipherSuitesOrder(b.preferServerCiphers());
        engine.setSSLParameters(params);
        return handler;
    }

    /**
     * A handler for a connection this server opens to {@code host:port} (a replica to its master): it presents
     * the client identity (or the server certificate) and checks the peer against the configured CAs, as Redis
     * does (the certificate's chain, not its host name).
     */
    public SslHandler newClientHandler(ByteBufAllocator alloc, String host, int port) {
        return current.clientContext().newHandler(alloc, host, port);
    }

    private static Built build(TlsSettings s, SslProvider preferred) throws TlsConfigException {
        // BoringSSL always offers all its TLS 1.3 suites; a restricted tls-ciphersuites needs the JDK's engine
        SslProvider provider = preferred == SslProvider.OPENSSL && !s.ciphersuites().isBlank() ? SslProvider.JDK
                : preferred;
        if (s.certFile().isEmpty()) {
            throw new TlsConfigException("No tls-cert-file configured!");
        }
        if (s.keyFile().isEmpty()) {
            throw new TlsConfigException("No tls-key-file configured!");
        }
        if (s.caRequired() && s.caCertFile().isEmpty() && s.caCertDir().isEmpty()) {
            throw new TlsConfigException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
                    + "tls-cluster, tls-replication or tls-auth-clients are enabled!");
        }
        List<String> protocols = s.protocolList();
        Identity server = identity(s.certFile(), s.keyFile(), s.keyPassword());
        Identity client = s.client().set()
                ? identity(s.client().certFile(), s.client().keyFile(), s.client().keyPassword()) : server;
        List<X509Certificate> chain = server.chain();
        PrivateKey key = server.key();
        List<X509Certificate> trusted = trustedCertificates(s);
        SslContext defaults = context(s, provider, protocols, key, chain, trusted, null);
        SslContext context = defaults;
        if (!s.ciphers().isEmpty() || !s.ciphersuites().isEmpty()) {
            context = context(s, provider, protocols, key, chain, trusted, cipherList(s, defaults.cipherSuites(), provider));
        }
        try {
            context.newEngine(ByteBufAllocator.DEFAULT); // the JDK's engine checks cipher names only here
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException("Failed to configure ciphers: " + rootMessage(e), e);
        }
        if (!s.sessionCaching() && context.sessionContext() instanceof OpenSslSessionContext openssl) {
            openssl.setSessionCacheEnabled(false);
        }
        SslContext clientContext;
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider).protocols(protocols)
                    .keyManager(client.key(), client.chain())
                    .endpointIdentificationAlgorithm(null) // Redis checks the chain only, not the host name
                    .ciphers(context.cipherSuites(), IdentityCipherSuiteFilter.INSTANCE);
            if (!trusted.isEmpty()) {
                builder.trustManager(trusted);
            }
            clientContext = builder.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new TlsConfigException("Failed to configure the client context: " + rootMessage(e), e);
        }
        return new Built(context, clientContext, s.preferServerCiphers(), chain.get(0), provider);
    }

    private static Identity identity(String certFile, String keyFile, String password) throws TlsConfigException {
        List<X509Certificate> chain = readCertificates(certFile, TlsConfigException.Subject.CERTIFICATE);
        if (chain.isEmpty()) {
            throw new TlsConfigException(TlsConfigException.Subject.CERTIFICATE, certFile, "no certificate found", null);
        }
        PrivateKey key;
        try {
            key = PemFiles.readPrivateKey(Path.of(keyFile), password);
        } catch (IOException e) {
            throw new TlsConfigException(TlsConfigException.Subject.KEY, keyFile, rootMessage(e), e);
        }
        if (!PemFiles.matches(key, chain.get(0))) {
            throw new TlsConfigException(TlsConfigException.Subject.KEY, keyFile, "key values mismatch", null);
        }
        return new Identity(chain, key);
    }

    private static SslContext context(TlsSettings s, SslProvider provider, List<String> protocols, PrivateKey key,
                                      List<X509Certificate> chain, List<X509Certificate> trusted,
                                      List<String> ciphers) throws TlsConfigException {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
                    .sslProvider(provider)
                    .protocols(protocols)
                    .clientAuth(io.netty.handler.ssl.ClientAuth.NONE) // set per connection
                    .sessionCacheSize(s.sessionCaching() ? s.sessionCacheSize() : 1)
                    .sessionTimeout(s.sessionCacheTimeoutSeconds());
            if (!trusted.isEmpty()) {
                builder.trustManager(trusted);
            }
            if (ciphers != null) {
                builder.ciphers(ciphers, IdentityCipherSuiteFilter.INSTANCE);
            }
            return builder.build();
        } catch (IllegalArgumentException | IOException e) {
            throw new TlsConfigException((ciphers == null ? "Failed to configure TLS: " : "Failed to configure ciphers: ")
                    + rootMessage(e), e);
        }
    }

    /**
     * tls-ciphers names the TLS 1.2 (and older) ciphers and tls-ciphersuites the TLS 1.3 ones, each leaving the
     * other protocol's defaults alone, as in OpenSSL. Names may be OpenSSL's or the JDK's.
     */
    private static List<String> cipherList(TlsSettings s, List<String> defaults, SslProvider provider)
            throws TlsConfigException {
        Set<String> result = new LinkedHashSet<>();
        List<String> legacy = names(s.ciphers());
        if (provider == SslProvider.JDK) {
            // the JDK knows the IANA names only (TLS_ECDHE_..._WITH_...), not OpenSSL's (ECDHE-...)
            legacy = legacy.stream().map(n -> {
                String java = n.startsWith("TLS_") || n.startsWith("SSL_") ? null : CipherSuiteConverter.toJava(n, "TLS");
                return java == null ? n : java;
            }).toList();
        }
        List<String> tls13 = names(s.ciphersuites());
        for (String name : legacy) {
            if (isTls13Suite(name)) {
                throw new TlsConfigException("Failed to configure ciphers: " + s.ciphers());
            }
        }
        for (String name : tls13) {
            if (!isTls13Suite(name)) {
                throw new TlsConfigException("Failed to configure ciphersuites: " + s.ciphersuites());
            }
        }
        result.addAll(tls13.isEmpty() ? defaults.stream().filter(ServerTls::isTls13Suite).toList() : tls13);
        result.addAll(legacy.isEmpty() ? defaults.stream().filter(n -> !isTls13Suite(n)).toList() : legacy);
        return new ArrayList<>(result);
    }

    /** TLS 1.3 suites name no key exchange: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256 ... */
    private static boolean isTls13Suite(String name) {
        return name.startsWith("TLS_") && !name.contains("_WITH_");
    }

    private static List<String> names(String colonSeparated) {
        List<String> result = new ArrayList<>();
        for (String n : colonSeparated.split(":")) {
            if (!n.isBlank()) {
                result.add(n.trim());
            }
        }
        return result;
    }

    private static List<X509Certificate> trustedCertificates(TlsSettings s) throws TlsConfigException {
        List<X509Certificate> result = new ArrayList<>();
        TlsConfigException.Subject failure = TlsConfigException.Subject.CA;
        if (!s.caCertFile().isEmpty()) {
            result.addAll(readCertificates(s.caCertFile(), failure));
        }
        if (!s.caCertDir().isEmpty()) {
            // A directory as OpenSSL's c_rehash leaves it: every readable certificate in it is trusted.
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of(s.caCertDir()))) {
                for (Path p : dir) {
                    if (Files.isRegularFile(p)) {
                        try {
                            result.addAll(readCertificates(p.toString(), failure));
                        } catch (TlsConfigException notACertificate) {
                            // other files (keys, notes) may live there too
                        }
                    }
                }
            } catch (IOException e) {
                throw new TlsConfigException(failure, s.caCertDir(), rootMessage(e), e);
            }
        }
        return result;
    }

    private static List<X509Certificate> readCertificates(String file, TlsConfigException.Subject subject)
            throws TlsConfigException {
        try {
            return PemFiles.readCertificates(Path.of(file));
        } catch (IOException e) {
            throw new TlsConfigException(subject, file, rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
