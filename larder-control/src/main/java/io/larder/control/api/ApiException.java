package io.larder.control.api;

/** A refusal with ElastiCache's fault code and the HTTP status ElastiCache answers it with. */
public final class ApiException extends RuntimeException {
    private final String code;
    private final int httpStatus;

    public ApiException(String code, int httpStatus, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static ApiException invalidValue(String message) {
        return new ApiException("InvalidParameterValue", 400, message);
    }

    public static ApiException invalidCombination(String message) {
        return new ApiException("InvalidParameterCombination", 400, message);
    }

    public static ApiException missing(String parameter) {
        return new ApiException("MissingParameter", 400, "The request must contain the parameter " + parameter + ".");
    }

    public static ApiException clusterNotFound(String id) {
        return new ApiException("CacheClusterNotFound", 404, "CacheCluster " + id + " not found.");
    }

    public static ApiException clusterExists(String id) {
        return new ApiException("CacheClusterAlreadyExists", 400, "Cache cluster " + id + " already exists.");
    }

    public static ApiException invalidState(String id, String status) {
        return new ApiException("InvalidCacheClusterState", 400,
                "Cache cluster " + id + " is not in available state (it is " + status + ").");
    }

    public static ApiException insufficientCapacity(String message) {
        return new ApiException("InsufficientCacheClusterCapacity", 400, message);
    }

    public static ApiException parameterGroupNotFound(String name) {
        return new ApiException("CacheParameterGroupNotFound", 404, "CacheParameterGroup not found: " + name);
    }

    public static ApiException parameterGroupExists(String name) {
        return new ApiException("CacheParameterGroupAlreadyExists", 400, "Parameter group " + name + " already exists.");
    }

    public static ApiException invalidParameterGroupState(String message) {
        return new ApiException("InvalidCacheParameterGroupState", 400, message);
    }
}
