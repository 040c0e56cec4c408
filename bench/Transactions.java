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
 * MULTI/EXEC load: CONNECTIONS connections each run transactions of MULTI, SETS SETs of SIZE-byte values on
 * random keys (out of KEYS), and EXEC, sent in one write as clients that pipeline a transaction do (Jedis,
 * Lettuce, redis-py); a connection starts its next transaction once the previous one's replies are all in,
 * until TRANSACTIONS have run in total. Every reply byte is checked against the expected "+OK", "+QUEUED"
 * ... "*SETS" sequence. Reports transactions/s (and the SETs inside them per second).
 * <p>
 * Bounded by construction: a fixed number of transactions, one in flight per connection, a 120 s deadline.
 * Run with the JDK's source launcher:
 * {@code java bench/Transactions.java PORT [CONNECTIONS] [TRANSACTIONS] [SETS] [SIZE] [KEYS]}.
 */
public final class Transactions {
    /** Distinct prepared transactions cycled through, so that building requests costs the tool nothing. */
    private static final int PREPARED = 4096;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int transactions = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int sets = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int size = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        int keys = args.length > 5 ? Integer.parseInt(args[5]) : 100_000;

        byte[] value = new byte[size];
        Arrays.fill(value, (byte) 'x');
        String v = new String(value, StandardCharsets.US_ASCII);
        SplittableRandom random = new SplittableRandom(42);
        byte[][] prepared = new byte[PREPARED][];
        for (int t = 0; t < PREPARED; t++) {
            StringBuilder s = new StringBuilder(command("MULTI"));
            for (int i = 0; i < sets; i++) {
                s.append(command("SET", "tx:" + String.format("%012d", random.nextInt(keys)), v));
            }
            s.append(command("EXEC"));
            prepared[t] = s.toString().getBytes(StandardCharsets.US_ASCII);
        }
        byte[] expectedReply = ("+OK\r\n" + "+QUEUED\r\n".repeat(sets) + "*" + sets + "\r\n" + "+OK\r\n".repeat(sets))
                .getBytes(StandardCharsets.US_ASCII);

        Selector selector = Selector.open();
        Conn[] conns = new Conn[connections];
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            conns[i] = new Conn(ch, ch.register(selector, 0, i));
        }

        ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        int started = 0;
        int finished = 0;
        long start = System.nanoTime();
        long deadline = start + 120_000_000_000L;
        for (Conn c : conns) {
            if (started < transactions) {
                c.begin(prepared[started % PREPARED]);
                started++;
            }
        }
        while (finished < transactions) {
            if (System.nanoTime() > deadline) {
                throw new IOException("gave up after 120 s: " + finished + " transactions done");
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Conn c = conns[(Integer) key.attachment()];
                if (key.isValid() && key.isWritable()) {
                    c.channel.write(c.out);
                    if (!c.out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (key.isValid() && key.isReadable()) {
                    in.clear();
                    int n = c.channel.read(in);
                    if (n < 0) {
                        throw new IOException("connection closed by the server");
                    }
                    in.flip();
                    while (in.hasRemaining()) {
                        byte b = in.get();
                        if (b != expectedReply[c.replyAt]) {
                            throw new IOException("unexpected reply byte '" + (char) b + "' at " + c.replyAt
                                    + " of " + new String(expectedReply, StandardCharsets.US_ASCII));
                        }
                        if (++c.replyAt == expectedReply.length) {
                            c.replyAt = 0;
                            finished++;
                            if (started < transactions) {
                                c.begin(prepared[started % PREPARED]);
                                started++;
                            }
                        }
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("connections=%d transactions=%d sets=%d size=%d keys=%d seconds=%.3f tx/s=%.0f sets/s=%.0f%n",
                connections, transactions, sets, size, keys, seconds, transactions / seconds,
                (double) transactions * sets / seconds);
        for (Conn c : conns) {
            c.channel.close();
        }
    }

    /** One connection: its pending request bytes and how far into the expected reply it is. */
    private static final class Conn {
        final SocketChannel channel;
        final SelectionKey key;
        ByteBuffer out = ByteBuffer.allocate(0);
        int replyAt;

        Conn(SocketChannel channel, SelectionKey key) {
            this.channel = channel;
            this.key = key;
        }

        void begin(byte[] request) throws IOException {
            out = ByteBuffer.wrap(request);
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    private static String command(String... parts) {
        StringBuilder s = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            s.append('$').append(p.length()).append("\r\n").append(p).append("\r\n");
        }
        return s.toString();
    }
}
