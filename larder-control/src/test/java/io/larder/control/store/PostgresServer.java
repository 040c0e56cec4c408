package io.larder.control.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, from the system's packaged binaries (Debian's postgresql package puts
 * them under /usr/lib/postgresql/VERSION/bin; CI installs it). PostgreSQL refuses to run as root, so as root the
 * server runs as the package's {@code postgres} user. Missing binaries fail the test: it never skips.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;
    private int databases;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static PostgresServer start() throws Exception {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL's server binaries are not installed (apt-get install postgresql): no /usr/lib/postgresql/*/bin/initdb"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("larder-postgres");
        if (root) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, dir, port, root);
        server.run("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "larder", "-E", "UTF8", "--locale=C", "--no-sync");
        server.pgCtl("start");
        return server;
    }

    /** Restarts the server at once, as a crash would: every connection is cut. */
    public void restart() throws Exception {
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        pgCtl("start");
    }

    private void pgCtl(String action) throws Exception {
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", action);
    }

    /** The newest PostgreSQL installed. */
    private static Optional<Path> binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        }
    }

    /** A new, empty database; its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "larder_test_" + (++databases);
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=larder";
    }

    private void run(String program, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Path log = dir.resolve(program + ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(program + " failed: " + Files.readString(log));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
