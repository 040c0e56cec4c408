package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Calls the control plane's REST API; an error reply becomes an {@link ApiError} with ElastiCache's fault code. */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(String endpoint) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    /** A refusal from the control plane, or no control plane at all (code {@code EndpointConnectionError}). */
    public static final class ApiError extends Exception {
        private final String code;

        public ApiError(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public JsonNode get(String path, Map<String, String> query) throws ApiError {
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> {
            if (v != null) {
                q.append(q.isEmpty() ? "?" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return send("GET", path + q, null);
    }

    public JsonNode send(String method, String path, Object body) throws ApiError {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .method(method, publisher)
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                JsonNode err = json.path("Error");
                throw new ApiError(err.path("Code").asText("HTTP" + response.statusCode()),
                        err.path("Message").asText(response.body()));
            }
            return json;
        } catch (IOException e) {
            throw new ApiError("EndpointConnectionError", "Could not connect to the endpoint URL: \"" + endpoint
                    + path + "\" (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError("Interrupted", "interrupted");
        }
    }
}
