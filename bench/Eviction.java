import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load tools for issue 5's eviction figures, against any RESP server (run with the JDK's source launcher and
 * HdrHistogram on the class path; see bench/eviction.sh). Every run is bounded in requests and seeded.
 *
 *   pressure PORT PID MAXMEMORY VOLUME_FACTOR          figure 2: writes VOLUME_FACTOR x maxmemory of values
 *   cacheaside PORT KEYS REQUESTS VALUE_BYTES SEED     figure 3: Zipf(0.99) GET, SET on a miss; hit ratio
 *   latency PORT KEYS REQUESTS VALUE_BYTES CONNECTIONS SEED   figure 4: GET/SET latency while evicting
 */
public final class Eviction {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "pressure" -> pressure(Integer.parseInt(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Double.parseDouble(args[4]));
            case "cacheaside" -> cacheAside(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Long.parseLong(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "latency" -> latency(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), Long.parseLong(args[6]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /**
     * Writes VOLUME_FACTOR x maxmemory bytes of values (random sizes 64 B - 16 KB, random keys over twice as
     * many keys as could fit) from 8 pipelining connections, while a watcher samples VmRSS of PID and PINGs
     * every 20 ms. Then one connection alone writes 2,000 values and reads used_memory after each reply.
     * Prints: peak RSS, peak used_memory sampled under load, used_memory > maxmemory after a lone write (count),
     * slowest PING, evicted_keys.
     */
    static void pressure(int port, long pid, long maxmemory, double factor) throws Exception {
        long volume = (long) (maxmemory * factor);
        int connections = 8;
        long keys = 2 * maxmemory / 8_000;
        AtomicLong written = new AtomicLong();
        AtomicLong peakRss = new AtomicLong();
        AtomicLong peakUsed = new AtomicLong();
        AtomicLong slowestPing = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            try (Conn c = new Conn(port)) {
                while (!Thread.currentThread().isInterrupted()) {
                    peakRss.accumulateAndGet(rss(pid), Math::max);
                    long start = System.nanoTime();
                    String info = c.text("INFO", "memory");
                    slowestPing.accumulateAndGet((System.nanoTime() - start) / 1000, Math::max);
                    peakUsed.accumulateAndGet(field(info, "used_memory"), Math::max);
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                // done
            } catch (Exception e) {
                System.err.println("watcher: " + e);
                errors.incrementAndGet();
            }
        });
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            int id = w;
            writers.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(id);
                byte[] buffer = new byte[16 * 1024];
                try (Conn c = new Conn(port)) {
                    while (written.get() < volume) {
                        int depth = 16;
                        for (int i = 0; i < depth; i++) {
                            int size = 64 + random.nextInt(buffer.length - 64);
                            c.send("SET".getBytes(), ("key:" + random.nextLong(keys)).getBytes(), buffer, size);
                            written.addAndGet(size);
                        }
                        c.flush();
                        for (int i = 0; i < depth; i++) {
                            String reply = c.readLine();
                            if (!reply.equals("+OK")) {
                                errors.incrementAndGet();
                            }
                        }
                    }
                } catch (IOException e) {
                    System.err.println("writer: " + e);
                    errors.incrementAndGet();
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }
        long over = 0;
        long highestAfterWrite = 0;
        try (Conn c = new Conn(port)) {
            SplittableRandom random = new SplittableRandom(99);
            byte[] buffer = new byte[16 * 1024];
            for (int i = 0; i < 2000; i++) {
                int size = 64 + random.nextInt(buffer.length - 64);
                c.send("SET".getBytes(), ("key:" + random.nextLong(keys)).getBytes(), buffer, size);
                c.flush();
                if (!c.readLine().equals("+OK")) {
                    errors.incrementAndGet();
                }
                long used = field(c.text("INFO", "memory"), "used_memory");
                highestAfterWrite = Math.max(highestAfterWrite, used);
                over += used > maxmemory ? 1 : 0;
            }
            watcher.interrupt();
            watcher.join();
            long evicted = field(c.text("INFO", "stats"), "evicted_keys");
            System.out.printf("written_mb=%d peak_rss_mb=%.1f peak_used_mb_under_load=%.1f highest_used_after_write_mb=%.1f"
                            + " writes_over_maxmemory=%d slowest_info_ms=%.1f evicted_keys=%d errors=%d%n",
                    written.get() >> 20, peakRss.get() / 1048576.0, peakUsed.get() / 1048576.0,
                    highestAfterWrite / 1048576.0, over, slowestPing.get() / 1000.0, evicted, errors.get());
        }
    }

    /**
     * Cache-aside over KEYS keys drawn from Zipf(0.99) (rank 1 the most popular, ranks scattered over the key
     * names): GET, and SET VALUE_BYTES on a miss. The first third of the requests warms the cache; the hit
     * ratio is counted over the rest. Pipelined in rounds of 64 GETs, then the SETs for their misses.
     */
    static void cacheAside(int port, int keys, long requests, int valueBytes, long seed) throws Exception {
        Zipf zipf = new Zipf(keys, 0.99);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] value = new byte[valueBytes];
        java.util.Arrays.fill(value, (byte) 'v');
        long warmup = requests / 3;
        long hits = 0;
        long counted = 0;
        int round = 64;
        byte[][] batch = new byte[round][];
        boolean[] miss = new boolean[round];
        try (Conn c = new Conn(port)) {
            for (long done = 0; done < requests; done += round) {
                for (int i = 0; i < round; i++) {
                    batch[i] = keyName(zipf.sample(random), keys);
                    c.send("GET".getBytes(), batch[i], null, 0);
                }
                c.flush();
                int misses = 0;
                for (int i = 0; i < round; i++) {
                    miss[i] = c.readBulkIsNull();
                    if (done + i >= warmup) {
                        counted++;
                        hits += miss[i] ? 0 : 1;
                    }
                    if (miss[i]) {
                        c.send("SET".getBytes(), batch[i], value, value.length);
                        misses++;
                    }
                }
                c.flush();
                for (int i = 0; i < misses; i++) {
                    String reply = c.readLine();
                    if (!reply.equals("+OK")) {
                        throw new IOException("SET answered " + reply);
                    }
                }
            }
            System.out.printf("hit_ratio=%.4f counted=%d keys_held=%s%n", (double) hits / counted, counted,
                    c.text("DBSIZE").substring(1));
        }
    }

    /**
     * CONNECTIONS closed-loop clients (one request in flight each) send 90% GET / 10% SET of VALUE_BYTES over KEYS
     * uniform keys, a keyspace larger than maxmemory, so SETs evict all along; the latency of each request is
     * recorded in an HdrHistogram (microseconds). The first fifth of the requests warms up and is not recorded.
     */
    static void latency(int port, int keys, long requests, int valueBytes, int connections, long seed) throws Exception {
        Histogram get = new Histogram(60_000_000L, 3);
        Histogram set = new Histogram(60_000_000L, 3);
        byte[] value = new byte[valueBytes];
        java.util.Arrays.fill(value, (byte) 'v');
        long perConnection = requests / connections;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(seed * 1000 + id);
                Histogram g = new Histogram(60_000_000L, 3);
                Histogram s = new Histogram(60_000_000L, 3);
                try (Conn c = new Conn(port)) {
                    for (long i = 0; i < perConnection; i++) {
                        byte[] key = keyName(random.nextInt(keys) + 1, keys);
                        boolean isSet = random.nextInt(10) == 0;
                        long start = System.nanoTime();
                        if (isSet) {
                            c.send("SET".getBytes(), key, value, value.length);
                            c.flush();
                            c.readLine();
                        } else {
                            c.send("GET".getBytes(), key, null, 0);
                            c.flush();
                            c.readBulkIsNull();
                        }
                        long micros = (System.nanoTime() - start) / 1000;
                        if (i >= perConnection / 5) {
                            (isSet ? s : g).recordValue(Math.min(micros, 60_000_000L));
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                synchronized (get) {
                    get.add(g);
                    set.add(s);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (var e : List.of(java.util.Map.entry("GET", get), java.util.Map.entry("SET", set))) {
            Histogram h = e.getValue();
            System.out.printf("%s count=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d%n", e.getKey(), h.getTotalCount(),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    h.getMaxValue());
        }
    }

    /** Rank r (1..n) to a key name; ranks are scattered by a multiplier coprime with n so that hot keys spread. */
    static byte[] keyName(long rank, int n) {
        long scattered = (rank * 2_654_435_761L) % n;
        return ("key:" + scattered).getBytes(StandardCharsets.US_ASCII);
    }

    /** Zipf(s) over 1..n by inverse CDF: a table of cumulative weights and a binary search per sample. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int n, double s) {
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int sample(SplittableRandom random) {
            int at = java.util.Arrays.binarySearch(cdf, random.nextDouble());
            return (at >= 0 ? at : -at - 1) + 1;
        }
    }

    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    static long field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException(name + " missing");
    }

    /** A minimal RESP connection: commands of up to three arguments, replies read as lines or one bulk. */
    static final class Conn implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        Conn(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        /** Queues NAME KEY [VALUE[0..length)]. */
        void send(byte[] name, byte[] key, byte[] value, int length) throws IOException {
            out.write(("*" + (value == null ? 2 : 3) + "\r\n$" + name.length + "\r\n").getBytes());
            out.write(name);
            out.write(("\r\n$" + key.length + "\r\n").getBytes());
            out.write(key);
            out.write('\r');
            out.write('\n');
            if (value != null) {
                out.write(("$" + length + "\r\n").getBytes());
                out.write(value, 0, length);
                out.write('\r');
                out.write('\n');
            }
        }

        void flush() throws IOException {
            out.flush();
        }

        String readLine() throws IOException {
            StringBuilder s = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        /** Reads a bulk reply; true when it is the null bulk. */
        boolean readBulkIsNull() throws IOException {
            String header = readLine();
            if (header.charAt(0) != '$') {
                throw new IOException("expected a bulk, got " + header);
            }
            int length = Integer.parseInt(header.substring(1));
            if (length < 0) {
                return true;
            }
            in.skipNBytes(length + 2);
            return false;
        }

        /** A command of plain-text arguments whose reply is a bulk or a line, returned as text. */
        String text(String... args) throws IOException {
            StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                cmd.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            out.write(cmd.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String header = readLine();
            if (header.charAt(0) != '$') {
                return header;
            }
            return new String(in.readNBytes(Integer.parseInt(header.substring(1)) + 2), StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
