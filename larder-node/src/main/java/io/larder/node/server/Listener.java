package io.larder.node.server;

import io.larder.node.config.ConfigException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets of one kind of connection (plain or TLS): every address of {@code bind} on one port.
 * Port 0 listens nowhere, as in Redis ({@code port 0} turns plain TCP off, {@code tls-port 0} TLS).
 */
final class Listener {
    private final ServerBootstrap bootstrap;
    private final List<Channel> channels = new ArrayList<>();
    private String addresses;
    private int port;

    Listener(ServerBootstrap bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Binds every address (a leading '-' marks one that may fail) on the port; closes what it bound on failure. */
    synchronized List<InetSocketAddress> listen(String addresses, int port) {
        List<InetSocketAddress> bound = new ArrayList<>();
        List<Channel> opened = new ArrayList<>();
        for (String address : port == 0 ? new String[0] : addresses.trim().split("\\s+")) {
            if (address.isEmpty()) {
                continue;
            }
            boolean optional = address.startsWith("-");
            String host = optional ? address.substring(1) : address;
            host = switch (host) {
                case "*" -> "0.0.0.0";
                case "::*" -> "::";
                default -> host;
            };
            try {
                Channel ch = bootstrap.bind(host, port).sync().channel();
                opened.add(ch);
                bound.add((InetSocketAddress) ch.localAddress());
            } catch (Exception e) {
                if (!optional) {
                    opened.forEach(ch -> ch.close().syncUninterruptibly());
                    throw new IllegalStateException("Could not create server TCP listening socket " + host + ":" + port
                            + ": " + e.getMessage(), e);
                }
            }
        }
        channels.addAll(opened);
        this.addresses = addresses;
        this.port = port;
        return bound;
    }

    /** CONFIG SET port/bind: closes the sockets and binds anew; on failure the old addresses are restored. */
    synchronized void relisten(String addresses, int port, String failure) throws ConfigException {
        if (addresses.equals(this.addresses) && port == this.port) {
            return;
        }
        String oldAddresses = this.addresses;
        int oldPort = this.port;
        close();
        try {
            listen(addresses, port);
        } catch (IllegalStateException e) {
            listen(oldAddresses, oldPort);
            throw new ConfigException(failure);
        }
    }

    /** The addresses last bound (the bind parameter's text). */
    synchronized String addresses() {
        return addresses;
    }

    synchronized void close() {
        channels.forEach(ch -> ch.close().syncUninterruptibly());
        channels.clear();
    }
}
