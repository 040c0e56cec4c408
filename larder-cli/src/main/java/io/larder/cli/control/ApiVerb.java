package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A verb that makes one API call and prints its result like {@code aws elasticache} does. */
abstract class ApiVerb implements Callable<Integer> {
    /** The AWS CLI's exit status for a refused call. */
    static final int SERVICE_ERROR = 254;
    /** The AWS CLI's exit status for arguments it cannot make into a request. */
    static final int PARAMETER_ERROR = 252;

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
            // Operations that answer nothing (DeleteCacheParameterGroup) print nothing, as the AWS CLI.
            if (!result.isEmpty()) {
                System.out.println(format.render(operation(), result));
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return PARAMETER_ERROR;
        } catch (ApiClient.ApiError e) {
            System.err.println("An error occurred (" + e.code() + ") when calling the " + operation()
                    + " operation: " + e.getMessage());
            return SERVICE_ERROR;
        }
    }
}
