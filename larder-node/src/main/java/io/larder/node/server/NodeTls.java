package io.larder.node.server;

import io.larder.node.config.ConfigException;
import io.larder.node.config.ServerConfig;
import io.larder.tls.ServerTls;
import io.larder.tls.TlsConfigException;
import io.larder.tls.TlsSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import java.util.List;
import java.util.Locale;

/**
 * The node's TLS: the server context built from the tls-* parameters, rebuilt when CONFIG SET changes one of
 * them (once per CONFIG SET, after all its parameters are set, as Redis's applyTlsCfg), and a handler for each
 * connection accepted on tls-port.
 */
final class NodeTls {
    /** The parameters whose change rebuilds the context (Redis 7.2's applyTlsCfg set). */
    private static final List<String> CONTEXT_PARAMS = List.of("tls-cert-file", "tls-key-file", "tls-key-file-pass",
            "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file",
            "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites",
            "tls-prefer-server-ciphers", "tls-session-caching", "tls-session-cache-size", "tls-session-cache-timeout",
            "tls-replication", "tls-cluster");
    static final String UPDATE_FAILED = "Unable to update TLS configuration. Check server logs.";

    private final ServerConfig config;
    private final ServerTls tls = new ServerTls();

    NodeTls(ServerConfig config) {
        this.config = config;
        for (String name : CONTEXT_PARAMS) {
            config.find(name).applyWith(this::reconfigure);
        }
    }

    String engine() {
        return tls.provider();
    }

    /** TLS is in use: a TLS port, or TLS for replication or the cluster bus. */
    boolean enabled() {
        return config.find("tls-port").asInt() != 0 || config.find("tls-replication").asBool()
                || config.find("tls-cluster").asBool();
    }

    boolean configured() {
        return tls.configured();
    }

    /** Builds the context from the current parameters; the previous one stays if this fails. */
    void configure() throws TlsConfigException {
        tls.configure(settings());
    }

    private void reconfigure() throws ConfigException {
        if (enabled()) {
            configureOrRefuse();
        }
    }

    /** Configures, or logs why not and refuses with Redis's CONFIG SET error. */
    void configureOrRefuse() throws ConfigException {
        try {
            configure();
        } catch (TlsConfigException e) {
            System.err.println("larder: " + e.getMessage());
            throw new ConfigException(UPDATE_FAILED);
        }
    }

    /** The handler that runs TLS on a connection accepted on tls-port, with the current tls-auth-clients. */
    SslHandler newHandler(Channel ch) {
        ServerTls.ClientAuth auth = ServerTls.ClientAuth.valueOf(
                config.find("tls-auth-clients").text().toUpperCase(Locale.ROOT));
        return tls.newHandler(ch.alloc(), auth);
    }

    /** A handler for a connection this node opens (to its master with tls-replication). */
    SslHandler newClientHandler(ByteBufAllocator alloc, String host, int port) {
        return tls.newClientHandler(alloc, host, port);
    }

    private TlsSettings settings() {
        return new TlsSettings(text("tls-cert-file"), text("tls-key-file"), text("tls-key-file-pass"),
                text("tls-ca-cert-file"), text("tls-ca-cert-dir"), text("tls-protocols"), text("tls-ciphers"),
                text("tls-ciphersuites"), config.find("tls-prefer-server-ciphers").asBool(),
                config.find("tls-session-caching").asBool(), config.find("tls-session-cache-size").asInt(),
                config.find("tls-session-cache-timeout").asInt(),
                !text("tls-auth-clients").equals("no") || config.find("tls-replication").asBool()
                        || config.find("tls-cluster").asBool(),
                new TlsSettings.ClientIdentity(text("tls-client-cert-file"), text("tls-client-key-file"),
                        text("tls-client-key-file-pass")));
    }

    private String text(String name) {
        return config.find(name).text();
    }
}
