package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.cli.Larder;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code larder up} process on a temporary data directory, with the CLI verbs (run in this JVM through
 * picocli) and raw HTTP calls pointed at it. {@link #close} runs {@code larder down --stop-nodes} and kills, by
 * their ids, whatever still runs from the data directory.
 */
final class ControlPlaneProcess implements AutoCloseable {
    static final int WAIT_SECONDS = 180;
    final Path dataDir;
    final int apiPort;
    final int lowPort;
    final int portCount;
    private final String endpoint;
    private Process process;

    /**
     * Starts one with node ports from the first free window of {@code portCount} inside [low, high].
     *
     * @param upOptions more options for {@code larder up}
     */
    ControlPlaneProcess(int low, int high, int portCount, String... upOptions) throws Exception {
        dataDir = Files.createTempDirectory("larder-control-test");
        apiPort = freePort();
        lowPort = freeWindow(low, high, portCount);
        this.portCount = portCount;
        endpoint = "http://127.0.0.1:" + apiPort;
        List<String> command = new ArrayList<>(Launcher.larderCommand());
        command.addAll(List.of("up", "--data-dir", dataDir.toString(), "--api-port", Integer.toString(apiPort),
                "--node-ports", lowPort + "-" + (lowPort + portCount - 1), "--no-default-cache"));
        command.addAll(List.of(upOptions));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("test-control.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (http("GET", "/v1/cache-engine-versions", null).statusCode() != 200) {
            assertThat(process.isAlive()).as("control plane running (see %s)", dataDir.resolve("test-control.log"))
                    .isTrue();
            assertThat(System.nanoTime()).as("control plane answers within %d s", WAIT_SECONDS).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            return ApiClient.JSON.readTree(out);
        }
    }

    record Http(int statusCode, String body) {
        String errorCode() throws IOException {
            return ApiClient.JSON.readTree(body).path("Error").path("Code").asText();
        }
    }

    /** Runs a CLI verb in this JVM against this control plane. */
    static synchronized Result cliAt(String endpoint, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (endpoint != null) {
            all.addAll(List.of("--endpoint-url", endpoint));
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = new CommandLine(new Larder()).setUnmatchedOptionsArePositionalParams(true)
                    .execute(all.toArray(String[]::new));
            return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The API's base URL, http://127.0.0.1:PORT. */
    String endpoint() {
        return endpoint;
    }

    Result cli(String... args) {
        return cliAt(endpoint, args);
    }

    /** A verb that must succeed. */
    JsonNode ok(String... args) throws IOException {
        Result r = cli(args);
        assertThat(r.status()).as("%s: %s", args[0], r.err()).isZero();
        return r.out().isBlank() ? ApiClient.JSON.createObjectNode() : r.json();
    }

    void waitAvailable(String id) {
        Result w = cli("wait", "cache-cluster-available", "--cache-cluster-id", id, "--timeout",
                Integer.toString(WAIT_SECONDS));
        assertThat(w.status()).as("wait %s: %s", id, w.err()).isZero();
    }

    void waitDeleted(String id) {
        Result w = cli("wait", "cache-cluster-deleted", "--cache-cluster-id", id, "--timeout",
                Integer.toString(WAIT_SECONDS));
        assertThat(w.status()).as("wait %s deleted: %s", id, w.err()).isZero();
    }

    Http http(String method, String path, String body) throws InterruptedException {
        return httpAt(endpoint, method, path, body);
    }

    /** One API call; status 0 when nothing answers. */
    static Http httpAt(String endpoint, String method, String path, String body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Http(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Http(0, "");
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                Result down = cliAt(null, "down", "--data-dir", dataDir.toString(), "--stop-nodes");
                assertThat(down.status()).as(down.err()).isZero();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("larder down stopped it").isTrue();
            }
        } finally {
            process.destroyForcibly();
            Path nodes = dataDir.resolve("nodes");
            List<ProcessHandle> left;
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                left = all.filter(h -> cmdline(h).contains(nodes.toString())).toList();
            }
            for (ProcessHandle h : left) {
                h.destroyForcibly();
                h.onExit().get(10, TimeUnit.SECONDS);
            }
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String cmdline(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The first run of {@code size} free ports inside [low, high]. */
    static int freeWindow(int low, int high, int size) {
        for (int start = low; start + size - 1 <= high; start++) {
            boolean free = true;
            for (int p = start; p < start + size && free; p++) {
                free = portFree(p);
                if (!free) {
                    start = p;
                }
            }
            if (free) {
                return start;
            }
        }
        throw new AssertionError("no " + size + " free ports in " + low + "-" + high);
    }
}
