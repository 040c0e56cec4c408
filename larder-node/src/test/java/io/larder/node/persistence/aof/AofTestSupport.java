package io.larder.node.persistence.aof;

import io.larder.node.testing.RawClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A write workload touching every propagation rewrite, and helpers shared by the AOF tests. */
final class AofTestSupport {
    private AofTestSupport() {
    }

    /**
     * Commands whose logged form Redis rewrites, transactions, databases, then a seeded mix of writes. Sorted
     * set scores are exact in few digits: Redis 7.0's DEBUG DIGEST prints scores with %.17g, 7.2 (and Larder)
     * in the shortest form, which agree only on such scores.
     */
    static void workload(RawClient c, long seed) throws IOException {
        String[][] fixed = {
                {"SET", "plain", "1"}, {"SET", "ex", "v", "EX", "1000"}, {"SET", "px", "v", "PX", "900000", "NX"},
                {"SETEX", "setex", "500", "v"}, {"PSETEX", "psetex", "500000", "v"}, {"SET", "gone", "v"},
                {"GETDEL", "gone"}, {"SET", "getex", "v"}, {"GETEX", "getex", "EX", "700"}, {"SET", "persist", "v",
                "EX", "100"}, {"GETEX", "persist", "PERSIST"}, {"INCRBYFLOAT", "float", "1.1"},
                {"INCRBYFLOAT", "float", "2.2"}, {"HINCRBYFLOAT", "hf", "f", "0.3"}, {"SADD", "s", "a", "b", "c", "d",
                "e", "f", "g"}, {"SPOP", "s"}, {"SPOP", "s", "3"}, {"SADD", "s2", "x", "y"}, {"SPOP", "s2", "10"},
                {"RPUSH", "l", "1", "2", "3", "4"}, {"EXPIRE", "l", "3000"}, {"PEXPIRE", "plain", "5000000"},
                {"EXPIREAT", "px", "4000000000"}, {"SET", "past", "v"}, {"EXPIRE", "past", "-1"},
                {"MULTI"}, {"HSET", "h", "a", "1", "b", "2"}, {"ZADD", "z", "1.5", "m", "-inf", "n", "2.5", "o"},
                {"INCR", "ctr"}, {"EXEC"}, {"SELECT", "4"}, {"SET", "db4", "v"}, {"LPUSH", "bl", "a", "b"},
                {"BLPOP", "bl", "0"}, {"BLMOVE", "bl", "bl2", "LEFT", "RIGHT", "0"}, {"SELECT", "0"},
                {"SWAPDB", "4", "5"}, {"XADD", "st", "1-1", "a", "b"}, {"XADD", "st", "2-1", "c", "d"},
                {"XDEL", "st", "1-1"}, {"XGROUP", "CREATE", "st", "g", "0"}, {"PFADD", "hll", "a", "b", "c"},
                {"SET", "short", "v", "PX", "1"},
        };
        for (String[] cmd : fixed) {
            c.call(cmd);
        }
        sleep(20);
        c.call("GET", "short"); // found expired: logged as DEL
        Random random = new Random(seed);
        for (int i = 0; i < 400; i++) {
            String k = "k" + random.nextInt(60);
            switch (random.nextInt(9)) {
                case 0 -> c.call("SET", k + ":s", Integer.toString(random.nextInt()));
                case 1 -> c.call("RPUSH", k + ":l", Integer.toString(random.nextInt(100)));
                case 2 -> c.call("SADD", k + ":set", Integer.toString(random.nextInt(50)));
                case 3 -> c.call("ZADD", k + ":z", Double.toString(random.nextInt(400) / 4.0 - 50), "m" + random.nextInt(30));
                case 4 -> c.call("HSET", k + ":h", "f" + random.nextInt(10), "v" + random.nextInt());
                case 5 -> c.call("INCRBYFLOAT", k + ":f", Double.toString(random.nextDouble()));
                case 6 -> c.call("EXPIRE", k + ":s", Integer.toString(100 + random.nextInt(1000)));
                case 7 -> c.call("SPOP", k + ":set");
                default -> c.call("DEL", k + ":l");
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String digest(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            String d = c.callText("DEBUG", "DIGEST");
            assertThat(d).matches("\\+[0-9a-f]{40}\r\n");
            return d;
        }
    }

    /** An integer field of INFO persistence. */
    static long infoField(RawClient c, String name) throws IOException {
        for (String line : c.callText("INFO", "persistence").split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no INFO field " + name);
    }

    /** Waits up to {@code millis} for INFO persistence to show {@code field} (name:value). */
    static void awaitInfo(RawClient c, String field, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (!c.callText("INFO", "persistence").contains(field) && System.currentTimeMillis() < deadline) {
            sleep(50);
        }
        assertThat(c.callText("INFO", "persistence")).contains(field);
    }

    static long keys(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            long total = 0;
            for (int db = 0; db < 16; db++) {
                c.call("SELECT", Integer.toString(db));
                String n = c.callText("DBSIZE");
                total += Long.parseLong(n.substring(1).trim());
            }
            return total;
        }
    }

    static String manifest(Path dir) throws IOException {
        return Files.readString(dir.resolve("appendonlydir").resolve("appendonly.aof.manifest"),
                StandardCharsets.UTF_8);
    }

    static Path lastIncr(Path dir) throws IOException {
        String[] lines = manifest(dir).strip().split("\n");
        String last = lines[lines.length - 1];
        assertThat(last).endsWith("type i");
        return dir.resolve("appendonlydir").resolve(last.split(" ")[1]);
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
