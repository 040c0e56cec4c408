package io.larder.control.health;

import io.larder.control.model.Engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One health check: Redis nodes answer PING (NOAUTH counts: the node is up), memcached nodes answer {@code version}. */
public final class NodeProbe {
    private final int timeoutMillis;

    public NodeProbe(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public boolean healthy(Engine engine, String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
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
