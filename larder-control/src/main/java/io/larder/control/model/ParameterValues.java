package io.larder.control.model;

import io.larder.control.api.ApiException;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a value against its parameter's DataType and AllowedValues: {@code integer} / {@code float} with a range
 * ({@code 1-1200000}, {@code 0-}, {@code -5-}, {@code -} for any), {@code string} / {@code boolean} with a list of
 * choices ({@code yes,no}) or, without AllowedValues, any text.
 */
public final class ParameterValues {
    /** LOW-HIGH where either end may be missing and LOW may be negative. */
    private static final Pattern RANGE = Pattern.compile("(-?[0-9.]+)?-(-?[0-9.]+)?");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private ParameterValues() {
    }

    /** @throws ApiException InvalidParameterValue naming the parameter, the value and what is allowed */
    public static void check(Parameter p, String value) {
        if (!valid(p, value)) {
            throw ApiException.invalidValue("Invalid parameter value: " + value + " for: " + p.name()
                    + " allowed values are: " + (p.allowedValues() != null ? p.allowedValues() : "any " + p.dataType()));
        }
    }

    static boolean valid(Parameter p, String value) {
        if (value == null) {
            return false;
        }
        return switch (p.dataType()) {
            case "integer" -> INTEGER.matcher(value).matches() && fitsLong(value)
                    && inRange(new BigDecimal(value), p.allowedValues());
            case "float" -> FLOAT.matcher(value).matches() && inRange(new BigDecimal(value), p.allowedValues());
            default -> p.allowedValues() == null || Arrays.asList(p.allowedValues().split(",")).contains(value);
        };
    }

    private static boolean fitsLong(String value) {
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean inRange(BigDecimal v, String allowed) {
        if (allowed == null) {
            return true;
        }
        Matcher m = RANGE.matcher(allowed);
        if (!m.matches()) {
            throw new IllegalStateException("bad AllowedValues range " + allowed);
        }
        return (m.group(1) == null || v.compareTo(new BigDecimal(m.group(1))) >= 0)
                && (m.group(2) == null || v.compareTo(new BigDecimal(m.group(2))) <= 0);
    }
}
