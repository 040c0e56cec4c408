package io.larder.control.model;

/** One engine parameter of a cache parameter group (ElastiCache's Parameter shape). */
public record Parameter(String name, String value, String dataType, String allowedValues, boolean modifiable,
                        String changeType, String description) {
}
