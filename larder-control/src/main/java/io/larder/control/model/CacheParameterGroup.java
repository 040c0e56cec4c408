package io.larder.control.model;

/**
 * A cache parameter group: a named set of parameter values for one engine family. The default groups
 * ({@code default.redis7}, {@code default.memcached1.6}) are not stored and cannot be changed.
 */
public record CacheParameterGroup(String name, Engine engine, String description) {

    public static CacheParameterGroup defaultOf(Engine e) {
        return new CacheParameterGroup(e.defaultParameterGroup(), e, "Default parameter group for " + e.parameterGroupFamily());
    }

    public boolean isDefault() {
        return name.equals(engine.defaultParameterGroup());
    }
}
