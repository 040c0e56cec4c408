import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PUBLISH fan-out load: SUBSCRIBERS connections subscribe to one channel, one publisher sends MESSAGES
 * PUBLISH commands of SIZE-byte payloads, pipelined with at most WINDOW unanswered. Reports publishes/s and
 * deliveries/s from the first PUBLISH until every subscriber has received every message, and the spread of
 * the subscribers' finishing times.
 * <p>
 * Bounded by construction: a fixed number of messages, a fixed publisher window, and subscribers that read as
 * fast as they can (so neither server hits its output buffer limits). Run with the JDK's source launcher:
 * {@code java bench/PubSubFanout.java PORT [SUBSCRIBERS] [MESSAGES] [SIZE] [WINDOW]}.
 */
public final class PubSubFanout {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int subscribers = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int window = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        String channel = "fanout";

        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        byte[] publish = command("PUBLISH", channel, new String(payload, StandardCharsets.US_ASCII));
        byte[] confirmation = ("*3\r\n$9\r\nsubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long perMessage = ("*3\r\n$7\r\nmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + size + "\r\n")
                .length() + size + 2;
        long expected = confirmation.length + perMessage * messages;
        byte[] reply = (":" + subscribers + "\r\n").getBytes(StandardCharsets.US_ASCII);

        Selector selector = Selector.open();
        SocketChannel[] subs = new SocketChannel[subscribers];
        long[] received = new long[subscribers];
        long[] finishedAt = new long[subscribers];
        for (int i = 0; i < subscribers; i++) {
            subs[i] = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            subs[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
            subs[i].write(ByteBuffer.wrap(command("SUBSCRIBE", channel)));
            // Wait for the confirmation so every subscriber is in before the first PUBLISH.
            ByteBuffer c = ByteBuffer.allocate(confirmation.length);
            while (c.hasRemaining()) {
                if (subs[i].read(c) < 0) {
                    throw new IOException("subscriber " + i + " closed");
                }
            }
            if (!Arrays.equals(c.array(), confirmation)) {
                throw new IOException("unexpected confirmation: " + new String(c.array(), StandardCharsets.US_ASCII));
            }
            received[i] = confirmation.length;
            subs[i].configureBlocking(false);
            subs[i].register(selector, SelectionKey.OP_READ, i);
        }
        SocketChannel pub = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        pub.setOption(StandardSocketOptions.TCP_NODELAY, true);
        pub.configureBlocking(false);
        SelectionKey pubKey = pub.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, -1);

        ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        ByteBuffer out = ByteBuffer.allocate(publish.length * window);
        out.flip();
        long replyBytes = 0;
        int sent = 0;
        int done = 0;
        long start = System.nanoTime();
        long deadline = start + 120_000_000_000L;
        while (done < subscribers || replyBytes < (long) reply.length * messages) {
            if (System.nanoTime() > deadline) {
                throw new IOException("gave up after 120 s: " + done + " subscribers done");
            }
            int answered = (int) (replyBytes / reply.length);
            if (!out.hasRemaining() && sent < messages && sent - answered < window) {
                out.clear();
                while (sent < messages && sent - answered < window && out.remaining() >= publish.length) {
                    out.put(publish);
                    sent++;
                }
                out.flip();
                pubKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                int who = (Integer) key.attachment();
                SocketChannel ch = (SocketChannel) key.channel();
                if (who < 0) {
                    if (key.isWritable()) {
                        pub.write(out);
                        if (!out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (key.isReadable()) {
                        in.clear();
                        int n = ch.read(in);
                        if (n < 0) {
                            throw new IOException("publisher closed by the server");
                        }
                        replyBytes += n; // every reply is ":SUBSCRIBERS\r\n"; the count is checked at the end
                    }
                    continue;
                }
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    throw new IOException("subscriber " + who + " closed by the server");
                }
                received[who] += n;
                if (received[who] >= expected && finishedAt[who] == 0) {
                    finishedAt[who] = System.nanoTime();
                    done++;
                }
            }
            selector.selectedKeys().clear();
        }
        long end = Arrays.stream(finishedAt).max().orElse(start);
        long first = Arrays.stream(finishedAt).min().orElse(start);
        for (int i = 0; i < subscribers; i++) {
            if (received[i] != expected) {
                throw new IOException("subscriber " + i + " got " + received[i] + " bytes, expected " + expected);
            }
        }
        if (replyBytes != (long) reply.length * messages) {
            throw new IOException("PUBLISH replies: " + replyBytes + " bytes, expected " + (long) reply.length * messages);
        }
        double seconds = (end - start) / 1e9;
        System.out.printf("subscribers=%d messages=%d size=%d window=%d seconds=%.3f publish/s=%.0f deliveries/s=%.0f "
                        + "first-subscriber-done=%.3fs last=%.3fs%n", subscribers, messages, size, window, seconds,
                messages / seconds, (double) messages * subscribers / seconds, (first - start) / 1e9, seconds);
        for (SocketChannel s : subs) {
            s.close();
        }
        pub.close();
    }

    private static byte[] command(String... parts) {
        StringBuilder s = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            s.append('$').append(p.length()).append("\r\n").append(p).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
