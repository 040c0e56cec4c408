package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code wait cache-cluster-available|cache-cluster-deleted}: polls until done, showing progress on stderr. */
@Command(name = "wait", description = "Wait until a cache cluster is available or deleted.")
public final class Wait implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "cache-cluster-available|cache-cluster-deleted")
    String condition;

    @Option(names = "--cache-cluster-id", required = true)
    String id;

    @Option(names = "--timeout", description = "seconds (default 600)")
    int timeoutSeconds = 600;

    @Option(names = "--delay", description = "seconds between polls (default 1)")
    double delaySeconds = 1;

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() throws InterruptedException {
        boolean deleted;
        switch (condition) {
            case "cache-cluster-available" -> deleted = false;
            case "cache-cluster-deleted" -> deleted = true;
            default -> {
                System.err.println("unknown waiter " + condition + " (cache-cluster-available or cache-cluster-deleted)");
                return 2;
            }
        }
        ApiClient api = options.client();
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String last = null;
        while (true) {
            String status;
            try {
                JsonNode r = api.get("/v1/cache-clusters", Map.of("CacheClusterId", id));
                status = r.path("CacheClusters").path(0).path("CacheClusterStatus").asText();
            } catch (ApiClient.ApiError e) {
                if (e.code().equals("CacheClusterNotFound")) {
                    if (deleted) {
                        System.err.println(id + ": deleted");
                        return 0;
                    }
                    System.err.println("Waiter CacheClusterAvailable failed: " + e.getMessage());
                    return 255;
                }
                System.err.println("An error occurred (" + e.code() + "): " + e.getMessage());
                return ApiVerb.SERVICE_ERROR;
            }
            if (!status.equals(last)) {
                System.err.println(id + ": " + status);
                last = status;
            }
            if (!deleted && status.equals("available")) {
                return 0;
            }
            if (System.nanoTime() > deadline) {
                System.err.println("Waiter " + condition + " failed: Max attempts exceeded (status " + status + ")");
                return 255;
            }
            Thread.sleep((long) (delaySeconds * 1000));
        }
    }
}
