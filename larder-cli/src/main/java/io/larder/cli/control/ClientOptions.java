package io.larder.cli.control;

import io.larder.control.ControlPlaneConfig;
import picocli.CommandLine.Option;

/** The global options every API verb takes, as the AWS CLI has them. */
public final class ClientOptions {
    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "control plane to call (default: $LARDER_ENDPOINT_URL or http://127.0.0.1:"
                    + ControlPlaneConfig.DEFAULT_API_PORT + ")")
    String endpointUrl;

    @Option(names = "--output", paramLabel = "json|text|table", description = "output format (default: json)")
    String output = "json";

    ApiClient client() {
        return client(endpointUrl);
    }

    /** A client of {@code endpointUrl}, or of the default control plane when it is null. */
    public static ApiClient client(String endpointUrl) {
        String url = endpointUrl;
        if (url == null) {
            url = System.getenv("LARDER_ENDPOINT_URL");
        }
        if (url == null) {
            url = "http://127.0.0.1:" + ControlPlaneConfig.DEFAULT_API_PORT;
        }
        return new ApiClient(url);
    }
}
