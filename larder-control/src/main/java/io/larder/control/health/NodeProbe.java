package io.larder.control.health;

import io.larder.control.model.Engine;
import io.larder.control.security.NodeSecurity;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One health check: Redis nodes answer PING (NOAUTH counts: the node is up), memcached nodes answer {@code version}. */
public final class NodeProbe {
    private final int timeoutMillis;
    private final NodeSecurity security;

    public NodeProbe(int timeoutMillis, NodeSecurity security) {
        this.timeoutMillis = timeoutMillis;
        this.security = security;
    }

    public NodeSecurity security() {
        return security;
    }

    /** @param tls the node serves TLS only (the handshake, checked against the control plane's CA, is part of the check) */
    public boolean healthy(Engine engine, String address, int port, boolean tls) {
        try (Socket s = security.connect(address, port, tls, timeoutMillis)) {
            String request = engine == Engine.REDIS ? "PING\r\n" : "version\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String reply = readLine(s.getInputStream());
            return engine == Engine.REDIS
                    ? reply.equals("+PONG") || reply.startsWith("-NOAUTH")
                    : reply.startsWith("VERSION ");
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && sb.length() < 256) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
