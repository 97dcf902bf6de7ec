package io.devflow.dr.fuzz;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * JSON for the fuzz properties: valid documents mutated (keys dropped, renamed, duplicated; values of the wrong type,
 * out of range, odd strings, deep nesting; the text cut or damaged) and random JSON. The text is written here, not
 * by Jackson, so that it can hold what a tree cannot: a key twice, a broken tail.
 */
final class JsonFuzz {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper LENIENT = new ObjectMapper();

    /** Odd text that ends up in values and keys; references are added by the caller's {@code oddStrings}. */
    static final List<String> ODD_STRINGS = List.of(
            "", " ", "\t\n", "\u0000", "a\u0000b", "\u0007\u001b[31mred\u001b[0m", "\r\nInjected: header",
            "é", "日本語", "😀", "\uD800", "\u202Eevil", "e\u0301", "\uFEFF", "null", "true", "-1", "0", "1e309", "0x1F",
            "../../../etc/passwd", "/dev/null", "C:\\Windows", "%00", "%2e%2e%2f", "' OR 1=1 --", "<script>", "{}", "[]",
            "http://", "https://[::1", "http://h:99999/", "ftp://x", "mongodb://", "mongodb://u:p@[::1", "redis://:@",
            "rediss://", "s3://bucket", "us-east-1", "US-EAST-1", "primary", "secondary", "local", "aws-kms", "full",
            "incremental", "manual", "last-write-wins", "0 0 2 * * ?", "* * * * * * * *", "not a cron", "UTC", "Mars/Base");

    private JsonFuzz() {
    }

    /** A document as sent: its text, and a short account of how it was made. */
    record Document(String text, String made) {

        /** The tree a lenient reader makes of the text (the last of duplicate keys wins), or null if it is not JSON. */
        JsonNode tree() {
            try {
                return LENIENT.readTree(text);
            } catch (Exception e) {
                return null;
            }
        }
    }

    /** Where a value sits: in an object under a key, or in an array at an index. */
    private record Slot(JsonNode parent, String key, int index) {

        JsonNode value() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode value) {
            if (key != null) {
                ((ObjectNode) parent).set(key, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    /**
     * A mutation of one of the valid documents, or (one time in ten) random JSON. {@code oddStrings} adds the text
     * the caller cares about (secret references, say) to {@link #ODD_STRINGS}.
     */
    static Document document(Random random, List<JsonNode> valid, Function<Random, String> oddStrings) {
        if (random.nextInt(10) == 0) {
            JsonNode any = randomJson(random, 4, oddStrings);
            return damage(random, write(any, Map.of()), "random JSON");
        }
        JsonNode root = Cases.oneOf(random, valid).deepCopy();
        Map<ObjectNode, ObjectNode> duplicates = new IdentityHashMap<>();
        List<String> made = new ArrayList<>();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            made.add(mutate(random, root, duplicates, oddStrings));
        }
        String text = write(root, duplicates);
        return random.nextInt(8) == 0 ? damage(random, text, String.join("; ", made))
                : new Document(text, String.join("; ", made));
    }

    private static String mutate(Random random, JsonNode root, Map<ObjectNode, ObjectNode> duplicates,
                                 Function<Random, String> oddStrings) {
        List<Slot> slots = new ArrayList<>();
        slots(root, slots);
        if (slots.isEmpty()) {
            return "nothing to mutate";
        }
        Slot slot = Cases.oneOf(random, slots);
        String where = slot.key != null ? "'" + slot.key + "'" : "[" + slot.index + "]";
        switch (random.nextInt(11)) {
            case 0 -> {
                if (slot.key != null) {
                    ((ObjectNode) slot.parent).remove(slot.key);
                    return "dropped " + where;
                }
                ((ArrayNode) slot.parent).remove(slot.index);
                return "dropped " + where;
            }
            case 1 -> {
                if (slot.key == null) {
                    slot.set(randomJson(random, 2, oddStrings));
                    return "replaced " + where;
                }
                String renamed = rename(random, slot.key, oddStrings);
                rekey((ObjectNode) slot.parent, slot.key, renamed);
                return "renamed " + where + " to " + Cases.javaString(renamed);
            }
            case 2 -> {
                ObjectNode parent = slot.parent.isObject() ? (ObjectNode) slot.parent : null;
                if (parent == null || slot.key == null) {
                    slot.set(randomJson(random, 2, oddStrings));
                    return "replaced " + where;
                }
                duplicates.computeIfAbsent(parent, p -> NODES.objectNode())
                        .set(slot.key, random.nextBoolean() ? slot.value().deepCopy() : randomJson(random, 1, oddStrings));
                return "duplicated " + where;
            }
            case 3 -> {
                slot.set(otherType(random, slot.value(), oddStrings));
                return "wrong type at " + where;
            }
            case 4 -> {
                slot.set(extremeNumber(random));
                return "extreme number at " + where;
            }
            case 5, 6 -> {
                slot.set(NODES.textNode(oddStrings.apply(random)));
                return "odd string at " + where;
            }
            case 7 -> {
                slot.set(deep(random, 20 + random.nextInt(3_000)));
                return "deep nesting at " + where;
            }
            case 8 -> {
                JsonNode target = slot.value().isObject() ? slot.value() : slot.parent;
                if (target.isObject()) {
                    ((ObjectNode) target).set(oddKey(random, oddStrings), randomJson(random, 2, oddStrings));
                    return "unknown key beside " + where;
                }
                ((ArrayNode) target).add(randomJson(random, 2, oddStrings));
                return "added an item beside " + where;
            }
            case 9 -> {
                slot.set(random.nextBoolean() ? NODES.objectNode() : NODES.arrayNode());
                return "emptied " + where;
            }
            default -> {
                slot.set(randomJson(random, 3, oddStrings));
                return "random value at " + where;
            }
        }
    }

    private static void slots(JsonNode node, List<Slot> out) {
        if (node.isObject()) {
            for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                out.add(new Slot(node, key, -1));
                slots(node.get(key), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Slot(node, null, i));
                slots(node.get(i), out);
            }
        }
    }

    /** Renames a key in place, keeping its position among the others. */
    private static void rekey(ObjectNode parent, String from, String to) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        parent.fields().forEachRemaining(fields::add);
        parent.removeAll();
        fields.forEach(e -> parent.set(e.getKey().equals(from) ? to : e.getKey(), e.getValue()));
    }

    private static String rename(Random random, String key, Function<Random, String> oddStrings) {
        return switch (random.nextInt(5)) {
            case 0 -> key.toUpperCase(java.util.Locale.ROOT);
            case 1 -> key + "s";
            case 2 -> key.length() > 1 ? key.substring(1) : "";
            case 3 -> key + " ";
            default -> oddKey(random, oddStrings);
        };
    }

    private static String oddKey(Random random, Function<Random, String> oddStrings) {
        return random.nextInt(3) == 0 ? oddStrings.apply(random) : Cases.oneOf(random, "colour", "Regions", "backup.type",
                "$ref", "__proto__", "disasterRecovery", "a".repeat(1 + random.nextInt(300)));
    }

    private static JsonNode otherType(Random random, JsonNode value, Function<Random, String> oddStrings) {
        for (int i = 0; i < 10; i++) {
            JsonNode other = randomJson(random, 1, oddStrings);
            if (other.getNodeType() != value.getNodeType()) {
                return other;
            }
        }
        return NODES.nullNode();
    }

    static JsonNode extremeNumber(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> NODES.numberNode(-1);
            case 1 -> NODES.numberNode(0);
            case 2 -> NODES.numberNode(Integer.MAX_VALUE);
            case 3 -> NODES.numberNode(Integer.MIN_VALUE);
            case 4 -> NODES.numberNode(Long.MAX_VALUE);
            case 5 -> NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(400))));
            case 6 -> NODES.numberNode(new BigDecimal("1e308"));
            case 7 -> NODES.numberNode(-0.0);
            case 8 -> NODES.numberNode(1.5);
            case 9 -> NODES.numberNode(65_536);
            case 10 -> NODES.numberNode(new BigDecimal("1e-400"));
            default -> NODES.numberNode(random.nextInt(200_000) - 100_000);
        };
    }

    /** Nesting written as text, since a tree this deep would overflow the stack of whatever walks it. */
    private record Deep(int depth, boolean arrays) {
    }

    static JsonNode deep(Random random, int depth) {
        return NODES.pojoNode(new Deep(depth, random.nextBoolean()));
    }

    static JsonNode randomJson(Random random, int depth, Function<Random, String> oddStrings) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> extremeNumber(random);
            case 3, 4, 5 -> NODES.textNode(oddStrings.apply(random));
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomJson(random, depth - 1, oddStrings));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(oddKey(random, oddStrings), randomJson(random, depth - 1, oddStrings));
                }
                yield object;
            }
        };
    }

    /** Text-level damage: cut, a stray character, a byte-order mark, trailing text, comments, or not JSON at all. */
    private static Document damage(Random random, String text, String made) {
        return switch (random.nextInt(7)) {
            case 0 -> {
                int cut = text.isEmpty() ? 0 : random.nextInt(text.length());
                yield new Document(text.substring(0, cut), made + "; cut at " + cut);
            }
            case 1 -> {
                int at = text.isEmpty() ? 0 : random.nextInt(text.length());
                String stray = Cases.oneOf(random, ",", "}", "]", "\"", ":", "\\", "\u0000", "NaN", "'");
                yield new Document(text.substring(0, at) + stray + text.substring(at), made + "; stray " + stray);
            }
            case 2 -> new Document("\uFEFF" + text, made + "; byte-order mark");
            case 3 -> new Document(text + Cases.oneOf(random, " {}", "\n// comment", " x", "\u0000", "]"), made + "; trailing text");
            case 4 -> new Document("// dr config\n" + text.replaceFirst("\\{", "{ /* c */"), made + "; comments");
            case 5 -> new Document(Cases.oneOf(random, "", " ", "null", "42", "\"text\"", "[]", "[{}]", "true",
                    "disasterRecovery:\n  regions: {}", "<config/>"), "not an object");
            default -> new Document(text.replace("\"", "'"), made + "; single quotes");
        };
    }

    /** JSON text of a tree, with the keys in {@code duplicates} written a second time after the originals. */
    static String write(JsonNode node, Map<ObjectNode, ObjectNode> duplicates) {
        StringBuilder out = new StringBuilder();
        write(node, duplicates, out);
        return out.toString();
    }

    private static void write(JsonNode node, Map<ObjectNode, ObjectNode> duplicates, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            boolean first = true;
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.fields().forEachRemaining(fields::add);
            ObjectNode twice = duplicates.get(node);
            if (twice != null) {
                twice.fields().forEachRemaining(fields::add);
            }
            for (Map.Entry<String, JsonNode> field : fields) {
                out.append(first ? "" : ",");
                first = false;
                string(field.getKey(), out);
                out.append(':');
                write(field.getValue(), duplicates, out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(node.get(i), duplicates, out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), out);
        } else if (node instanceof POJONode pojo && pojo.getPojo() instanceof Deep deep) {
            out.append((deep.arrays() ? "[" : "{\"a\":").repeat(deep.depth())).append("\"bottom\"")
                    .append((deep.arrays() ? "]" : "}").repeat(deep.depth()));
        } else {
            out.append(node.toString());
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        out.append('"');
    }

    /** Every path in a tree, written as the configuration's problems write them ({@code a.b[2].c}). */
    static void paths(JsonNode node, String path, List<String> all, List<String> objects) {
        if (node.isObject()) {
            objects.add(path);
            for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                String child = path.isEmpty() ? key : path + "." + key;
                all.add(child);
                paths(node.get(key), child, all, objects);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String child = path + "[" + i + "]";
                all.add(child);
                paths(node.get(i), child, all, objects);
            }
        }
    }
}
