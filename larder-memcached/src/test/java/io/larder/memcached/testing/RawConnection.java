package io.larder.memcached.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain socket to a memcached-speaking server: send bytes, read replies up to a marker or the end. */
public final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void send(String ascii) throws IOException {
        send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads until the bytes read so far end with {@code marker}; fails after the socket timeout. */
    public byte[] readUntil(byte[] marker) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!endsWith(got.toByteArray(), marker)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + got.toString(StandardCharsets.ISO_8859_1));
            }
            got.write(b);
        }
        return got.toByteArray();
    }

    /** Reads until the server closes the connection (or {@code millis} pass); returns what arrived. */
    public byte[] readToEnd(int millis) throws IOException {
        socket.setSoTimeout(millis);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
            got.write("<closed>".getBytes(StandardCharsets.US_ASCII));
        } catch (SocketTimeoutException e) {
            // still open
        } catch (IOException e) {
            got.write("<closed>".getBytes(StandardCharsets.US_ASCII));
        } finally {
            socket.setSoTimeout(5000);
        }
        return got.toByteArray();
    }

    /** Reads exactly n bytes. */
    public byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    private static boolean endsWith(byte[] b, byte[] marker) {
        if (b.length < marker.length) {
            return false;
        }
        for (int i = 0; i < marker.length; i++) {
            if (b[b.length - marker.length + i] != marker[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
