package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code larder down}: stops the control plane running on a data directory (its nodes keep serving by default). */
@Command(name = "down", description = "Stop the control plane. Its nodes keep running unless --stop-nodes is given.")
public final class Down implements Callable<Integer> {
    @Option(names = "--data-dir", description = "the data directory it was started with (default: ~/.larder)")
    Path dataDir = Up.defaultDataDir();

    @Option(names = "--stop-nodes", description = "also stop every node (the next larder up starts them again)")
    boolean stopNodes;

    @Override
    public Integer call() throws Exception {
        JsonNode run = RunFile.read(dataDir.toAbsolutePath());
        if (run == null) {
            System.err.println("larder down: no control plane is running on " + dataDir);
            return 1;
        }
        long pid = run.path("Pid").asLong();
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        String url = "http://" + run.path("ApiHost").asText("127.0.0.1") + ":" + run.path("ApiPort").asInt();
        try {
            new ApiClient(url).send("POST", "/v1/admin/shutdown", Map.of("StopNodes", stopNodes));
        } catch (ApiClient.ApiError e) {
            if (process.isEmpty() || !process.get().isAlive()) {
                System.err.println("larder down: the control plane (pid " + pid + ") is not running");
                return 1;
            }
            process.get().destroy();
        }
        if (process.isPresent()) {
            try {
                process.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                process.get().destroyForcibly();
            }
        }
        System.out.println("Larder control plane stopped" + (stopNodes ? " with its nodes" : ""));
        return 0;
    }
}
