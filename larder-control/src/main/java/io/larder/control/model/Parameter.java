package io.larder.control.model;

/**
 * One engine parameter of a cache parameter group (ElastiCache's Parameter shape).
 *
 * @param source {@code engine-default} when the value is the engine's own default, {@code system} when ElastiCache
 *               (and so Larder) sets another one
 */
public record Parameter(String name, String value, String dataType, String allowedValues, boolean modifiable,
                        String changeType, String description, String source) {
    public static final String USER = "user";
    public static final String SYSTEM = "system";
    public static final String ENGINE_DEFAULT = "engine-default";

    public boolean immediate() {
        return DefaultParameters.IMMEDIATE.equals(changeType);
    }

    public Parameter withValue(String v, String s) {
        return new Parameter(name, v, dataType, allowedValues, modifiable, changeType, description, s);
    }
}
