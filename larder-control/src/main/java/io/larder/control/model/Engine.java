package io.larder.control.model;

import java.util.Arrays;
import java.util.List;

/** The cache engines the control plane runs, with the versions it offers (ElastiCache's Engine values). */
public enum Engine {
    REDIS("redis", "7.2.4", "redis7", "Redis", "Redis 7.2 compatible (Larder node)"),
    MEMCACHED("memcached", "1.6.22", "memcached1.6", "memcached", "memcached 1.6 compatible (Larder node)");

    private final String id;
    private final String version;
    private final String family;
    private final String description;
    private final String versionDescription;

    Engine(String id, String version, String family, String description, String versionDescription) {
        this.id = id;
        this.version = version;
        this.family = family;
        this.description = description;
        this.versionDescription = versionDescription;
    }

    public String id() {
        return id;
    }

    /** The one engine version each engine offers for now. */
    public String version() {
        return version;
    }

    public String parameterGroupFamily() {
        return family;
    }

    public String defaultParameterGroup() {
        return "default." + family;
    }

    public String description() {
        return description;
    }

    public String versionDescription() {
        return versionDescription;
    }

    /** Accepts a requested version when it names ours or a prefix of it ("7", "7.2"). */
    public boolean offers(String requested) {
        return version.equals(requested) || version.startsWith(requested + ".");
    }

    public static Engine parse(String name) {
        for (Engine e : values()) {
            if (e.id.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** DescribeCacheEngineVersions' filter: the engines matching every criterion given (null: any). */
    public static List<Engine> matching(String engine, String version, String family) {
        return Arrays.stream(values()).filter(e -> (engine == null || engine.equals(e.id))
                && (version == null || e.offers(version)) && (family == null || family.equals(e.family))).toList();
    }

    public static List<String> names() {
        return List.of(REDIS.id, MEMCACHED.id);
    }
}
