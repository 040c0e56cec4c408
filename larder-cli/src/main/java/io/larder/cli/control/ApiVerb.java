package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A verb that makes one API call and prints its result like {@code aws elasticache} does. */
abstract class ApiVerb implements Callable<Integer> {
    /** The AWS CLI's exit status for a refused call. */
    static final int SERVICE_ERROR = 254;

    @Mixin
    ClientOptions options;

    /** The ElastiCache operation name, for messages and the table title. */
    abstract String operation();

    abstract JsonNode call(ApiClient api) throws ApiClient.ApiError;

    @Override
    public Integer call() {
        Output format;
        try {
            format = Output.parse(options.output);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try {
            JsonNode result = call(options.client());
            System.out.println(format.render(operation(), result));
            return 0;
        } catch (ApiClient.ApiError e) {
            System.err.println("An error occurred (" + e.code() + ") when calling the " + operation()
                    + " operation: " + e.getMessage());
            return SERVICE_ERROR;
        }
    }
}
