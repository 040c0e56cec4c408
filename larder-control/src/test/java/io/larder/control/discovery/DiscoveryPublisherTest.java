package io.larder.control.discovery;

import io.larder.control.discovery.DiscoveryPublisher.ClusterList;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeType;
import io.larder.control.store.JdbcStore;
import io.larder.control.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryPublisherTest {
    @TempDir
    Path dir;

    private static CacheNode node(String id, String status, int port, long pid) {
        return new CacheNode("mc", id, status, port, pid, 1000);
    }

    @Test
    void theVersionRisesOnEveryMembershipChangeAndOnlyThen() {
        try (Store store = JdbcStore.sqlite(dir.resolve("state.db"))) {
            DiscoveryPublisher p = new DiscoveryPublisher(store, "127.0.0.1", "secret", 300);
            assertThat(p.update("mc", List.of(node("0001", "creating", 24001, 0)))).as("nothing answered yet").isNull();
            ClusterList one = p.update("mc", List.of(node("0001", "available", 24001, 5), node("0002", "creating", 24002, 0)));
            assertThat(one).isEqualTo(new ClusterList(DiscoveryPublisher.FIRST_VERSION, "127.0.0.1|127.0.0.1|24001"));
            assertThat(one.body()).isEqualTo("2\n127.0.0.1|127.0.0.1|24001\n");
            assertThat(p.update("mc", List.of(node("0001", "available", 24001, 5), node("0002", "creating", 24002, 0))))
                    .as("no change, same version").isEqualTo(one);
            ClusterList two = p.update("mc", List.of(node("0001", "restarting", 24001, 0), node("0002", "available", 24002, 6)));
            assertThat(two.version()).isEqualTo(3);
            assertThat(two.nodes()).as("a recovering node stays listed")
                    .isEqualTo("127.0.0.1|127.0.0.1|24001 127.0.0.1|127.0.0.1|24002");
            ClusterList moved = p.update("mc", List.of(node("0001", "available", 24001, 7), node("0002", "available", 24012, 8)));
            assertThat(moved.version()).as("an address change").isEqualTo(4);
            // A new control plane on the same store carries on from the stored version.
            DiscoveryPublisher restarted = new DiscoveryPublisher(store, "127.0.0.1", "secret", 300);
            assertThat(restarted.update("mc", List.of(node("0001", "available", 24001, 7), node("0002", "available", 24012, 8))))
                    .isEqualTo(moved);
            ClusterList removed = restarted.update("mc", List.of(node("0001", "available", 24001, 7), node("0002", "deleting", 24012, 8)));
            assertThat(removed).isEqualTo(new ClusterList(5, "127.0.0.1|127.0.0.1|24001"));
            restarted.forget("mc");
            assertThat(store.meta("discovery/mc")).isEmpty();
        }
    }

    @Test
    void availableNodesAreGivenTheListOnceAndAgainAfterARestart() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket fakeNode = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Store store = JdbcStore.sqlite(dir.resolve("state.db"))) {
            Thread.ofVirtual().start(() -> answer(fakeNode, received));
            int port = fakeNode.getLocalPort();
            store.insertCluster(new CacheCluster("mc", Engine.MEMCACHED, "1.6.22", NodeType.MICRO, 2, null, "available",
                    null, "default.memcached1.6", 0, 1000));
            store.upsertNode(node("0001", "available", port, 11));
            store.upsertNode(node("0002", "creating", 1, 0));
            DiscoveryPublisher p = new DiscoveryPublisher(store, "127.0.0.1", "secret", 1000);
            p.publish();
            p.publish();
            String body = "2\n127.0.0.1|127.0.0.1|" + port + "\n";
            assertThat(received).containsExactly("config set cluster secret " + body.length() + "|" + body);
            store.upsertNode(node("0001", "available", port, 12));
            p.publish();
            assertThat(received).as("a new process is given the list again").hasSize(2);
            assertThat(received.get(1)).isEqualTo(received.get(0));
        }
    }

    /** A memcached stand-in: records each "config set" line with its data block and answers STORED. */
    private static void answer(ServerSocket server, List<String> received) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String command = in.readLine();
                char[] data = new char[Integer.parseInt(command.substring(command.lastIndexOf(' ') + 1))];
                for (int read = 0; read < data.length; ) {
                    read += in.read(data, read, data.length - read);
                }
                in.readLine();
                received.add(command + "|" + new String(data));
                s.getOutputStream().write("STORED\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }
}
