package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Larder's own verbs for what secures the nodes: the CA certificate and control-plane auth tokens. */
public final class SecurityVerbs {
    private SecurityVerbs() {
    }

    @Command(name = "describe-ca-certificate",
            description = "Show the CA certificate that signs the nodes of clusters with transit encryption "
                    + "(for redis-cli --tls --cacert FILE).")
    public static final class DescribeCaCertificate extends ApiVerb {
        @Option(names = "--pem-file", paramLabel = "FILE", description = "also write the certificate (PEM) to FILE")
        Path pemFile;

        @Override
        String operation() {
            return "DescribeCaCertificate";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            JsonNode result = api.get("/v1/ca-certificate", Map.of());
            if (pemFile != null) {
                try {
                    Files.writeString(pemFile, result.path("CaCertificate").path("CertificatePem").asText());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + pemFile, e);
                }
            }
            return result;
        }
    }

    /** A token for one of a cluster's TokenAuthUsers, minted by the control plane (POST /v1/auth-tokens). */
    public static String authToken(String endpointUrl, String clusterId, String user, long ttlSeconds)
            throws ApiClient.ApiError {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("CacheClusterId", clusterId);
        body.put("UserId", user);
        body.put("TtlSeconds", ttlSeconds);
        return ClientOptions.client(endpointUrl).send("POST", "/v1/auth-tokens", body).path("AuthToken").asText();
    }
}
