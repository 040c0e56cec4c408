package io.larder.node.replication;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.node.config.ServerConfig;
import io.larder.node.persistence.Persistence;
import io.larder.node.server.Node;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One full synchronization of a group of replicas, on a thread of its own: an RDB snapshot whose point is the
 * stream offset announced in +FULLRESYNC, sent either as a file ({@code $<length>} then the bytes, straight from
 * the page cache) or diskless ({@code $EOF:<mark>}, the snapshot streamed to the sockets as it is written,
 * then the mark). The snapshot point is taken with every stripe held, so no write is half-way: each write is
 * either in the image or in the stream after the offset, never both. Sockets are written with back-pressure:
 * the diskless writer waits for a replica's previous chunk before handing it the next, and never holds a lock
 * meanwhile.
 */
final class FullSync implements Runnable {
    /** Replicas of any Redis 7 must load the payload: RDB 10 (the only difference from 11 is listpack sets). */
    private static final int RDB_VERSION = RdbTypes.VERSION_7_0;
    private static final int CHUNK = 64 * 1024;
    private static final AtomicInteger FILES = new AtomicInteger();

    private final Node node;
    private final ServerConfig config;
    private final Keyspace keyspace;
    private final Replication replication;
    private final List<ReplicaConnection> targets;
    private final boolean diskless;

    FullSync(Node node, Replication replication, List<ReplicaConnection> targets, boolean diskless) {
        this.node = node;
        this.config = node.config();
        this.keyspace = node.keyspace();
        this.replication = replication;
        this.targets = targets;
        this.diskless = diskless;
    }

    @Override
    public void run() {
        for (ReplicaConnection r : targets) {
            r.disklessTarget = diskless; // before the cut: no keep-alive newline may fall inside the payload
        }
        RdbSnapshot snapshot = new RdbSnapshot(keyspace, RDB_VERSION, config.find("rdbcompression").asBool());
        long offset;
        boolean begun;
        List<byte[]> libraries;
        int streamDb;
        replication.cutLock().lock();
        keyspace.lockAll();
        try {
            libraries = node.persistence().libraryCodes(); // function libraries as of the cut, like the keys
            begun = snapshot.begin();
            offset = begun ? replication.cut(targets) : -1;
            // A primary's stream starts with SELECT after the cut; a replica forwards its primary's stream as it
            // is, which goes on in the database selected at this point (Redis's repl-stream-db).
            streamDb = replication.replicating() ? node.replicaLink().streamDb() : 0;
        } finally {
            keyspace.unlockAll();
            replication.cutLock().unlock();
        }
        if (!begun) {
            replication.syncPostponed(this, targets); // a BGSAVE runs; the cron tries again
            return;
        }
        String replId = replication.replId();
        for (ReplicaConnection r : targets) {
            if (!r.preSync) {
                r.send("+FULLRESYNC " + replId + " " + offset + "\r\n");
            }
        }
        Map<String, byte[]> aux = auxFields(replId, offset, streamDb);
        try {
            if (diskless) {
                sendDiskless(snapshot, aux, libraries);
            } else {
                sendFile(snapshot, aux, libraries);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("larder: full sync with replicas failed: " + e.getMessage());
            targets.forEach(ReplicaConnection::close);
        } finally {
            replication.syncEnded(this);
        }
    }

    private Map<String, byte[]> auxFields(String replId, long offset, int streamDb) {
        Map<String, byte[]> replication = new LinkedHashMap<>();
        replication.put("repl-stream-db", ascii(Integer.toString(streamDb)));
        replication.put("repl-id", ascii(replId));
        replication.put("repl-offset", ascii(Long.toString(offset)));
        return Persistence.auxFields(false, replication);
    }

    private void sendDiskless(RdbSnapshot snapshot, Map<String, byte[]> aux, List<byte[]> libraries) throws IOException {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        String mark = HexFormat.of().formatHex(id);
        for (ReplicaConnection r : targets) {
            r.send("$EOF:" + mark + "\r\n");
        }
        SocketsOutput out = new SocketsOutput(targets);
        snapshot.writeTo(out, aux, libraries, config.find("rdbchecksum").asBool());
        out.write(mark.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (ReplicaConnection r : out.alive()) {
            // The replica may read past the payload in one go, so the stream waits for its first ACK.
            r.disklessSent();
        }
    }

    private void sendFile(RdbSnapshot snapshot, Map<String, byte[]> aux, List<byte[]> libraries) throws IOException {
        Path dir = Path.of(config.find("dir").text()).toAbsolutePath();
        Path file = dir.resolve("temp-repl-" + ProcessHandle.current().pid() + "-" + FILES.incrementAndGet() + ".rdb");
        long length;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), CHUNK);
            snapshot.writeTo(out, aux, libraries, config.find("rdbchecksum").asBool());
            out.flush();
            length = ch.size();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        // The file goes once every transfer has ended; each replica then gets its stream.
        AtomicInteger transfers = new AtomicInteger(targets.size());
        for (ReplicaConnection r : targets) {
            if (!r.channel.isActive()) {
                if (transfers.decrementAndGet() == 0) {
                    Files.deleteIfExists(file);
                }
                continue;
            }
            r.state = ReplicaConnection.State.SEND_BULK;
            r.send("$" + length + "\r\n");
            r.channel.writeAndFlush(new DefaultFileRegion(file.toFile(), 0, length)).addListener(f -> {
                if (f.isSuccess()) {
                    r.state = ReplicaConnection.State.ONLINE;
                    r.ackMillis = System.currentTimeMillis();
                    r.startStream();
                } else {
                    r.close();
                }
                if (transfers.decrementAndGet() == 0) {
                    Files.deleteIfExists(file);
                }
            });
        }
    }

    /**
     * The diskless payload's sink: chunks go to every replica still connected, each replica with at most two
     * chunks in flight; a replica that takes nothing for repl-timeout is dropped. Fails once none is left, which
     * ends the snapshot.
     */
    private final class SocketsOutput extends OutputStream {
        private final List<ReplicaConnection> alive;
        private final List<ChannelFuture> previous = new ArrayList<>();
        private byte[] buf = new byte[CHUNK];
        private int len;

        SocketsOutput(List<ReplicaConnection> targets) {
            this.alive = new ArrayList<>(targets);
            for (int i = 0; i < targets.size(); i++) {
                previous.add(null);
            }
        }

        List<ReplicaConnection> alive() {
            return alive;
        }

        @Override
        public void write(int b) throws IOException {
            if (len == buf.length) {
                ship();
            }
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                if (len == buf.length) {
                    ship();
                }
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        @Override
        public void flush() throws IOException {
            ship();
            long timeoutMillis = config.find("repl-timeout").asLong() * 1000;
            for (int i = 0; i < alive.size(); i++) {
                ChannelFuture f = previous.get(i);
                if (f != null) {
                    f.awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS);
                }
            }
        }

        private void ship() throws IOException {
            if (len == 0) {
                return;
            }
            byte[] chunk = buf;
            buf = new byte[CHUNK]; // the sockets read the shipped one later, without a copy
            int n = len;
            len = 0;
            long timeoutMillis = config.find("repl-timeout").asLong() * 1000;
            for (int i = alive.size() - 1; i >= 0; i--) {
                ReplicaConnection r = alive.get(i);
                ChannelFuture before = previous.get(i);
                boolean ok = r.channel.isActive() && (before == null
                        || before.awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS) && before.isSuccess());
                if (!ok) {
                    r.close();
                    alive.remove(i);
                    previous.remove(i);
                    continue;
                }
                previous.set(i, r.channel.writeAndFlush(Unpooled.wrappedBuffer(chunk, 0, n)));
            }
            if (alive.isEmpty()) {
                throw new IOException("no replica left to send the payload to");
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
