package io.larder.control.provision;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Picks node ports from the configured range: the lowest one neither recorded for a node nor bound by anyone. */
public record PortAllocator(int low, int high) {

    public PortAllocator {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad node port range " + low + "-" + high);
        }
    }

    /** @return a free port, or 0 when the range is exhausted */
    public int allocate(Set<Integer> taken) {
        for (int p = low; p <= high; p++) {
            if (!taken.contains(p) && isFree(p)) {
                return p;
            }
        }
        return 0;
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            return false;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static PortAllocator parse(String range) {
        int dash = range.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("node ports must be LOW-HIGH, got " + range);
        }
        return new PortAllocator(Integer.parseInt(range.substring(0, dash).trim()),
                Integer.parseInt(range.substring(dash + 1).trim()));
    }
}
