package io.larder.control.api.query;

import io.larder.control.api.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The parameters of one AWS Query request (the form fields of {@code POST /}), or one structure inside them.
 * Lists arrive flattened with 1-based indices under botocore's member names:
 * {@code CacheNodeIdsToRemove.CacheNodeId.1=0001}, and lists of structures one field a parameter:
 * {@code ParameterNameValues.ParameterNameValue.1.ParameterName=maxmemory-policy}.
 */
public final class QueryRequest {
    private final NavigableMap<String, String> fields;
    private final String prefix;

    private QueryRequest(NavigableMap<String, String> fields, String prefix) {
        this.fields = fields;
        this.prefix = prefix;
    }

    /** @param form each field's values, as decoded from the body; a field given twice is refused */
    public static QueryRequest of(Map<String, List<String>> form) {
        NavigableMap<String, String> fields = new TreeMap<>();
        form.forEach((name, values) -> {
            if (values.size() != 1) {
                throw ApiException.invalidValue("The parameter " + name + " was given " + values.size() + " times.");
            }
            fields.put(name, values.get(0));
        });
        return new QueryRequest(fields, "");
    }

    /** The value given, or null. */
    public String string(String name) {
        return fields.get(prefix + name);
    }

    public String required(String name) {
        String v = string(name);
        if (v == null) {
            throw ApiException.missing(name);
        }
        return v;
    }

    public Integer integer(String name) {
        String v = string(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalidValue("Invalid value '" + v + "' for " + prefix + name + ": expected an integer.");
        }
    }

    /** Query booleans are the words true and false. */
    public Boolean bool(String name) {
        String v = string(name);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalidValue("Invalid value '" + v + "' for " + prefix + name
                    + ": expected true or false.");
        };
    }

    /** A list of strings ({@code Name.Member.1}, {@code Name.Member.2}, ...), or null when none is given. */
    public List<String> strings(String name, String member) {
        List<String> out = new ArrayList<>();
        for (String key : indexed(name, member, false)) {
            out.add(fields.get(key));
        }
        return out.isEmpty() && !emptyListGiven(name) ? null : out;
    }

    /** A list of structures ({@code Name.Member.1.Field}, ...), each read as a request of its own; null when absent. */
    public List<QueryRequest> structures(String name, String member) {
        List<QueryRequest> out = new ArrayList<>();
        for (String key : indexed(name, member, true)) {
            out.add(new QueryRequest(fields, key + "."));
        }
        return out.isEmpty() && !emptyListGiven(name) ? null : out;
    }

    /** botocore sends an empty list as the bare name with an empty value ({@code CacheNodeIdsToRemove=}). */
    private boolean emptyListGiven(String name) {
        return "".equals(string(name));
    }

    /**
     * The keys (or, for structures, key prefixes) of a list's elements in index order. The indices must run
     * 1, 2, ... without a gap, as the SDKs write them.
     */
    private List<String> indexed(String name, String member, boolean structures) {
        String head = prefix + name + "." + member + ".";
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (String key : fields.subMap(head, head + Character.MAX_VALUE).keySet()) {
            String rest = key.substring(head.length());
            int dot = rest.indexOf('.');
            if ((dot >= 0) != structures) {
                throw ApiException.invalidValue("Unexpected parameter " + key + ".");
            }
            String index = dot < 0 ? rest : rest.substring(0, dot);
            int i;
            try {
                i = Integer.parseInt(index);
            } catch (NumberFormatException e) {
                throw ApiException.invalidValue("Invalid list index in parameter " + key + ".");
            }
            byIndex.put(i, head + index);
        }
        if (!byIndex.isEmpty() && (byIndex.firstKey() != 1 || byIndex.lastKey() != byIndex.size())) {
            throw ApiException.invalidValue("The members of " + prefix + name + " must be numbered 1 to "
                    + byIndex.size() + ".");
        }
        return new ArrayList<>(byIndex.values());
    }
}
