package io.larder.cli.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The AWS CLI's three output formats: json (4-space indent), text (tab separated, one line per object) and table. */
public enum Output {
    JSON, TEXT, TABLE;

    public static Output parse(String s) {
        return switch (s) {
            case "json" -> JSON;
            case "text" -> TEXT;
            case "table" -> TABLE;
            default -> throw new IllegalArgumentException("--output must be json, text or table, not " + s);
        };
    }

    public String render(String operation, JsonNode result) {
        return switch (this) {
            case JSON -> json(result);
            case TEXT -> text(result);
            case TABLE -> table(operation, result);
        };
    }

    private static String json(JsonNode n) {
        // The AWS CLI's json.dumps(indent=4): "Key": value, and {} / [] when empty.
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("    ", "\n"))
                .withArrayIndenter(new DefaultIndenter("    ", "\n"));
        try {
            return ApiClient.JSON.writer(pp).writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode root) {
        StringBuilder sb = new StringBuilder();
        root.properties().forEach(e -> textOf(e.getKey(), e.getValue(), sb));
        return sb.toString().stripTrailing();
    }

    private static void textOf(String name, JsonNode n, StringBuilder sb) {
        String label = name.toUpperCase(Locale.ROOT);
        if (n.isArray()) {
            List<String> scalars = new ArrayList<>();
            for (JsonNode e : n) {
                if (e.isContainerNode()) {
                    textOf(name, e, sb);
                } else {
                    scalars.add(e.asText());
                }
            }
            if (!scalars.isEmpty()) {
                sb.append(label).append('\t').append(String.join("\t", scalars)).append('\n');
            }
        } else if (n.isObject()) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : sorted(n)) {
                if (!e.getValue().isContainerNode()) {
                    values.add(e.getValue().asText());
                }
            }
            if (!values.isEmpty()) {
                sb.append(label).append('\t').append(String.join("\t", values)).append('\n');
            }
            for (Map.Entry<String, JsonNode> e : sorted(n)) {
                if (e.getValue().isContainerNode()) {
                    textOf(e.getKey(), e.getValue(), sb);
                }
            }
        } else {
            sb.append(n.asText()).append('\n');
        }
    }

    private static List<Map.Entry<String, JsonNode>> sorted(JsonNode n) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>(n.properties());
        list.sort(Map.Entry.comparingByKey());
        return list;
    }

    private static String table(String operation, JsonNode root) {
        List<String[]> rows = new ArrayList<>();
        tableRows("", root, rows);
        int w0 = 0;
        int w1 = 0;
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        // The title spans both columns: widen the value column when the title is the longer.
        w1 = Math.max(w1, operation.length() - w0 - 3);
        String line = "+" + "-".repeat(w0 + 2) + "+" + "-".repeat(w1 + 2) + "+\n";
        StringBuilder sb = new StringBuilder(line);
        int inner = w0 + w1 + 5;
        int left = (inner - operation.length()) / 2;
        sb.append('|').append(" ".repeat(left)).append(operation).append(" ".repeat(inner - left - operation.length()))
                .append("|\n").append(line);
        for (String[] r : rows) {
            sb.append("| ").append(pad(r[0], w0)).append(" | ").append(pad(r[1], w1)).append(" |\n");
        }
        return sb.append(line).toString().stripTrailing();
    }

    private static void tableRows(String prefix, JsonNode n, List<String[]> rows) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                tableRows(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), rows);
            }
        } else if (n.isArray()) {
            int i = 0;
            for (JsonNode e : n) {
                tableRows(prefix + "[" + i++ + "]", e, rows);
            }
        } else {
            rows.add(new String[] {prefix, n.asText()});
        }
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }
}
