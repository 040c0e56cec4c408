package io.larder.cli.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --parameter-name-values} as the AWS CLI takes it: shorthand items {@code ParameterName=x,ParameterValue=y}
 * (one a parameter), or one JSON list {@code [{"ParameterName": "x", "ParameterValue": "y"}]}.
 */
final class ParameterNameValues {
    private static final List<String> KEYS = List.of("ParameterName", "ParameterValue");

    private ParameterNameValues() {
    }

    /** @throws IllegalArgumentException when an item is neither shorthand nor JSON */
    static List<Map<String, String>> parse(List<String> items) {
        if (items.size() == 1 && items.get(0).trim().startsWith("[")) {
            return json(items.get(0));
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (String item : items) {
            out.add(shorthand(item));
        }
        return out;
    }

    /** Splits at the commas that start another known key, so a value may itself hold commas. */
    private static Map<String, String> shorthand(String item) {
        Map<String, String> pair = new LinkedHashMap<>();
        String key = null;
        StringBuilder value = new StringBuilder();
        for (String part : item.split(",", -1)) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? null : part.substring(0, eq).trim();
            if (k != null && KEYS.contains(k)) {
                if (key != null) {
                    pair.put(key, value.toString());
                }
                key = k;
                value.setLength(0);
                value.append(part.substring(eq + 1));
            } else if (key != null) {
                value.append(',').append(part);
            } else {
                throw bad(item);
            }
        }
        if (key == null) {
            throw bad(item);
        }
        pair.put(key, value.toString());
        return pair;
    }

    private static List<Map<String, String>> json(String text) {
        try {
            JsonNode list = ApiClient.JSON.readTree(text);
            List<Map<String, String>> out = new ArrayList<>();
            for (JsonNode e : list) {
                Map<String, String> pair = new LinkedHashMap<>();
                for (String k : KEYS) {
                    if (e.hasNonNull(k)) {
                        pair.put(k, e.get(k).asText());
                    }
                }
                out.add(pair);
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--parameter-name-values: not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static IllegalArgumentException bad(String item) {
        return new IllegalArgumentException("--parameter-name-values: expected ParameterName=NAME,ParameterValue=VALUE, "
                + "got '" + item + "'");
    }
}
