import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Leaderboard load on one sorted set {@code lb}.
 * <ul>
 * <li>{@code load PORT MEMBERS}: fills {@code lb} with MEMBERS players ({@code player:<i>}, random integer scores)
 * through pipelined multi-pair ZADDs, then checks ZCARD.</li>
 * <li>{@code mix PORT MEMBERS CONNECTIONS OPS PIPELINE [SEED]}: OPS requests in all from CONNECTIONS connections,
 * each keeping at most PIPELINE unanswered, in the ratio 3 ZINCRBY : 1 ZREVRANK : 1 ZREVRANGE 0 9 WITHSCORES on
 * random players. Prints ops/s and the p50/p99 latency (send to reply, so queueing in the pipeline counts).</li>
 * </ul>
 * Bounded by construction: a fixed number of requests and a fixed window per connection. Single-threaded NIO, so
 * pin it to its own CPU. Run with the JDK's source launcher: {@code java bench/Leaderboard.java mix 6379 ...}.
 */
public final class Leaderboard {
    private static final String KEY = "lb";
    private static final long DEADLINE_NANOS = 600_000_000_000L;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int members = Integer.parseInt(args[2]);
        if (mode.equals("load")) {
            load(port, members);
        } else if (mode.equals("mix")) {
            int connections = Integer.parseInt(args[3]);
            int ops = Integer.parseInt(args[4]);
            int pipeline = Integer.parseInt(args[5]);
            long seed = args.length > 6 ? Long.parseLong(args[6]) : 1;
            mix(port, members, connections, ops, pipeline, seed);
        } else {
            throw new IllegalArgumentException("mode is load or mix");
        }
    }

    /** Fills the set: ZADDs of 500 pairs, 8 in flight, on one connection. */
    private static void load(int port, int members) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        Connection c = new Connection(port);
        c.call(command("DEL", KEY));
        int batch = 500;
        int window = 8;
        int sent = 0;
        int answered = 0;
        int next = 0;
        long start = System.nanoTime();
        while (answered < (members + batch - 1) / batch) {
            while (next < members && sent - answered < window) {
                int n = Math.min(batch, members - next);
                String[] parts = new String[2 + 2 * n];
                parts[0] = "ZADD";
                parts[1] = KEY;
                for (int i = 0; i < n; i++) {
                    parts[2 + 2 * i] = Integer.toString(random.nextInt(1_000_000));
                    parts[3 + 2 * i] = "player:" + (next + i);
                }
                c.write(command(parts));
                next += n;
                sent++;
            }
            c.flushBlocking();
            answered += c.readReplies();
        }
        String card = new String(c.call(command("ZCARD", KEY)), StandardCharsets.US_ASCII).trim();
        if (!card.equals(":" + members)) {
            throw new IOException("ZCARD " + card + ", expected " + members);
        }
        System.out.printf("loaded=%d seconds=%.3f%n", members, (System.nanoTime() - start) / 1e9);
        c.channel.close();
    }

    private static void mix(int port, int members, int connections, int ops, int pipeline, long seed)
            throws IOException {
        Selector selector = Selector.open();
        Connection[] conns = new Connection[connections];
        SplittableRandom random = new SplittableRandom(seed);
        int[] quota = new int[connections];
        for (int i = 0; i < connections; i++) {
            conns[i] = new Connection(port);
            conns[i].channel.configureBlocking(false);
            conns[i].key = conns[i].channel.register(selector, SelectionKey.OP_READ, i);
            conns[i].random = random.split();
            conns[i].sentAt = new long[pipeline];
            quota[i] = ops / connections + (i < ops % connections ? 1 : 0);
        }
        long[] latencies = new long[ops];
        int recorded = 0;
        int[] kinds = new int[3];
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            fill(conns[i], quota, i, pipeline, members, kinds);
        }
        while (recorded < ops) {
            if (System.nanoTime() - start > DEADLINE_NANOS) {
                throw new IOException("gave up after 600 s with " + recorded + " of " + ops + " replies");
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                int who = (Integer) key.attachment();
                Connection c = conns[who];
                if (key.isValid() && key.isWritable()) {
                    c.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    int n = c.readReplies();
                    long now = System.nanoTime();
                    for (int k = 0; k < n; k++) {
                        latencies[recorded++] = now - c.sentAt[c.oldest];
                        c.oldest = (c.oldest + 1) % pipeline;
                        c.inFlight--;
                    }
                    fill(c, quota, who, pipeline, members, kinds);
                }
            }
            selector.selectedKeys().clear();
        }
        long end = System.nanoTime();
        for (Connection c : conns) {
            c.channel.close();
        }
        Arrays.sort(latencies);
        double seconds = (end - start) / 1e9;
        System.out.printf("connections=%d pipeline=%d ops=%d seconds=%.3f ops/s=%.0f p50=%.3f p99=%.3f "
                        + "zincrby=%d zrevrank=%d zrevrange=%d%n", connections, pipeline, ops, seconds, ops / seconds,
                latencies[ops / 2] / 1e6, latencies[(int) (ops * 0.99)] / 1e6, kinds[0], kinds[1], kinds[2]);
    }

    /** Tops the connection's window up with new requests from its quota (p50/p99 in milliseconds). */
    private static void fill(Connection c, int[] quota, int who, int pipeline, int members, int[] kinds)
            throws IOException {
        long now = System.nanoTime();
        while (c.inFlight < pipeline && quota[who] > 0) {
            String player = "player:" + c.random.nextInt(members);
            int pick = c.random.nextInt(5); // 3:1:1
            byte[] request;
            if (pick < 3) {
                request = command("ZINCRBY", KEY, Integer.toString(1 + c.random.nextInt(100)), player);
                kinds[0]++;
            } else if (pick == 3) {
                request = command("ZREVRANK", KEY, player);
                kinds[1]++;
            } else {
                request = command("ZREVRANGE", KEY, "0", "9", "WITHSCORES");
                kinds[2]++;
            }
            c.write(request);
            c.sentAt[(c.oldest + c.inFlight) % pipeline] = now;
            c.inFlight++;
            quota[who]--;
        }
        c.flush();
    }

    /** One connection: an output buffer, an input buffer and a scanner that counts whole replies. */
    private static final class Connection {
        final SocketChannel channel;
        SelectionKey key;
        SplittableRandom random;
        long[] sentAt;
        int oldest;
        int inFlight;
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        byte[] in = new byte[256 * 1024];
        int inStart;
        int inEnd;

        Connection(int port) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }

        void write(byte[] request) {
            if (out.remaining() < request.length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + request.length));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(request);
        }

        /** Writes what the socket takes; asks for OP_WRITE when something is left. */
        void flush() throws IOException {
            out.flip();
            channel.write(out);
            out.compact();
            if (key != null) {
                key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        void flushBlocking() throws IOException {
            out.flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            out.clear();
        }

        /** Sends one request and returns its reply (nothing else may be in flight). */
        byte[] call(byte[] request) throws IOException {
            write(request);
            flushBlocking();
            int end;
            while ((end = scan(in, inStart, inEnd)) < 0) {
                readMore();
            }
            byte[] reply = Arrays.copyOfRange(in, inStart, end);
            inStart = end;
            return reply;
        }

        /** One read into the input buffer, making room first. */
        void readMore() throws IOException {
            if (inStart == inEnd) {
                inStart = 0;
                inEnd = 0;
            }
            if (inEnd == in.length) {
                if (inStart == 0) {
                    in = Arrays.copyOf(in, in.length * 2);
                } else {
                    System.arraycopy(in, inStart, in, 0, inEnd - inStart);
                    inEnd -= inStart;
                    inStart = 0;
                }
            }
            int n = channel.read(ByteBuffer.wrap(in, inEnd, in.length - inEnd));
            if (n < 0) {
                throw new IOException("connection closed by the server");
            }
            inEnd += n;
        }

        /** Reads once (waiting when the channel blocks) and returns how many whole replies arrived; errors throw. */
        int readReplies() throws IOException {
            readMore();
            int replies = 0;
            int end;
            while ((end = scan(in, inStart, inEnd)) >= 0) {
                if (in[inStart] == '-') {
                    throw new IOException("server error: " + new String(in, inStart, end - inStart, StandardCharsets.UTF_8));
                }
                inStart = end;
                replies++;
            }
            return replies;
        }
    }

    /** The end of the RESP2 reply starting at {@code pos}, or -1 when it is not complete yet. */
    static int scan(byte[] b, int pos, int limit) {
        if (pos >= limit) {
            return -1;
        }
        int lineEnd = lineEnd(b, pos, limit);
        if (lineEnd < 0) {
            return -1;
        }
        byte type = b[pos];
        if (type == '+' || type == '-' || type == ':') {
            return lineEnd + 2;
        }
        long n = parseLong(b, pos + 1, lineEnd);
        if (type == '$') {
            if (n < 0) {
                return lineEnd + 2;
            }
            long end = lineEnd + 2 + n + 2;
            return end <= limit ? (int) end : -1;
        }
        if (type == '*') {
            int at = lineEnd + 2;
            for (long i = 0; i < n; i++) {
                at = scan(b, at, limit);
                if (at < 0) {
                    return -1;
                }
            }
            return at;
        }
        throw new IllegalStateException("unexpected reply type " + (char) type);
    }

    private static int lineEnd(byte[] b, int pos, int limit) {
        for (int i = pos; i + 1 < limit; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(byte[] b, int from, int to) {
        boolean negative = b[from] == '-';
        long v = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return negative ? -v : v;
    }

    private static byte[] command(String... parts) {
        StringBuilder s = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            s.append('$').append(p.length()).append("\r\n").append(p).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
