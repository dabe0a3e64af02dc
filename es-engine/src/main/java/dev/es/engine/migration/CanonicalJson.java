package dev.es.engine.migration;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payloads compared by what they mean, not by how they are written, so that a store that normalises JSON (PostgreSQL
 * keeps payloads as {@code jsonb}: keys reordered, white space dropped, escapes decoded, {@code 1e2} read as
 * {@code 100}) never makes a verification fail: the canonical form has keys sorted, no white space, strings with
 * only the escapes JSON requires, and numbers as exact decimals without trailing zeros. Duplicate keys keep the last
 * value, as {@code jsonb} does.
 */
final class CanonicalJson {

    /** Reads every number exactly: a double would make two different decimals equal. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private CanonicalJson() {
    }

    /**
     * The canonical text of {@code json}. Text the parser refuses (beyond its limits, such as extreme nesting) is
     * answered as it is, so that it is still compared, byte for byte.
     */
    static String canonical(String json) {
        JsonNode tree = parse(json);
        if (tree == null) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        write(tree, out);
        return out.toString();
    }

    /**
     * Where two payloads first differ in meaning, as a JSON path ({@code $}, {@code $.items[2].sku}); {@code null}
     * when they are the same.
     */
    static @Nullable String firstDifference(String expected, String actual) {
        if (expected.equals(actual)) {
            return null;
        }
        JsonNode a = parse(expected);
        JsonNode b = parse(actual);
        if (a == null || b == null) {
            return canonical(expected).equals(canonical(actual)) ? null : "$";
        }
        return difference(a, b, "$");
    }

    private static @Nullable JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static @Nullable String difference(JsonNode a, JsonNode b, String path) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? null : path;
        }
        if (a.getNodeType() != b.getNodeType()) {
            return path;
        }
        if (a.isObject()) {
            List<String> names = new ArrayList<>();
            a.propertyNames().forEach(names::add);
            b.propertyNames().forEach(n -> {
                if (!a.has(n)) {
                    names.add(n);
                }
            });
            names.sort(null);
            for (String name : names) {
                JsonNode x = a.get(name);
                JsonNode y = b.get(name);
                String at = path + "." + name;
                if (x == null || y == null) {
                    return at;
                }
                String found = difference(x, y, at);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (a.isArray()) {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                String found = difference(a.get(i), b.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
            return a.size() == b.size() ? null : path + "[" + common + "]";
        }
        if (a.isString()) {
            return a.stringValue().equals(b.stringValue()) ? null : path;
        }
        if (a.isBoolean()) {
            return a.booleanValue() == b.booleanValue() ? null : path;
        }
        return a.isNull() ? null : a.equals(b) ? null : path;
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> properties = new ArrayList<>(node.properties());
            properties.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < properties.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(properties.get(i).getKey(), out);
                out.append(':');
                write(properties.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            Iterator<JsonNode> items = node.values().iterator();
            for (int i = 0; items.hasNext(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(items.next(), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(number(node.decimalValue()));
        } else if (node.isString()) {
            string(node.stringValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNull()) {
            out.append("null");
        } else {
            out.append(node.toString());
        }
    }

    private static String number(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toString();
    }

    private static void string(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
