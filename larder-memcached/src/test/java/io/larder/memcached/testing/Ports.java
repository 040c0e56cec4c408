package io.larder.memcached.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** Free loopback ports for test servers, taken from this module's range 7700-7799 when possible. */
public final class Ports {
    private static final AtomicInteger NEXT = new AtomicInteger(7710 + (int) (ProcessHandle.current().pid() % 40));

    private Ports() {
    }

    public static int free() {
        for (int tries = 0; tries < 90; tries++) {
            int port = 7710 + Math.floorMod(NEXT.getAndIncrement() - 7710, 90);
            if (available(port)) {
                return port;
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean available(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something accepts connections on the port. */
    public static void awaitListening(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port);
    }
}
