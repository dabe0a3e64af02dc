package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every configuration key of es that {@code README.md} or a {@code docs/*.md} file names is in the configuration
 * metadata an IDE reads: es's (the autoconfigure jar's {@code META-INF/spring-configuration-metadata.json}, which the
 * processor merged with its {@code additional-spring-configuration-metadata.json}) and the sample's own. Keys
 * are taken from the prose and code (dotted names, {@code --es.enabled=false}, {@code -Des.enabled=false}) and
 * from the flattened {@code yaml} and {@code properties} blocks; {@code es.*}, {@code management.endpoint.migrations.*},
 * {@code management.endpoint.backups.*} and {@code management.health.es.*} count. A key under a map property
 * ({@code es.stores.<name>.type}) is checked against the map's value type; {@code es.backup.*} against the group.
 * The names the docs give to es's meters are not configuration keys and are listed here.
 */
@Timeout(60)
class DocumentedConfigurationKeysTest {

    /** Meter and observation names of es (and one former meter name) that the docs name; never properties. */
    private static final Set<String> METER_NAMES = Set.of("es.appends", "es.append.latency", "es.events.appended",
            "es.streams.closure.retries", "es.migration.events.copied", "es.migration.catchup.iterations",
            "es.migration.cutover", "es.lock.acquire.wait", "es.lock.acquire.failures", "es.migrations.active",
            "es.migrations.finished", "es.backup.events", "es.backup.bytes", "es.backup.duration",
            "es.backup.failures", "es.migration");

    private static final Pattern KEY = Pattern.compile(
            "(?:(?<=-D)|(?<![\\w.$/]))((?:es|management\\.endpoint\\.(?:migrations|backups)|management\\.health\\.es)"
                    + "(?:\\.(?:[a-z0-9<>*-]+))+)(?![A-Za-z0-9_])");
    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*(\\w*)");

    @Test
    void everyDocumentedKeyIsInTheConfigurationMetadata() throws IOException {
        Metadata metadata = Metadata.fromClasspath();
        Path root = repositoryRoot();
        List<Path> documents = new ArrayList<>();
        documents.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> missing = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path document : documents) {
            for (Key key : keys(root.relativize(document).toString(), Files.readString(document))) {
                seen.add(key.name());
                if (!METER_NAMES.contains(key.name()) && !metadata.knows(key.name())) {
                    missing.add(key.name() + " (" + key.where() + ")");
                }
            }
        }
        assertThat(seen).as("keys found in the docs: the scan reads prose, yaml blocks and map keys")
                .contains("es.stores.<name>.type", "es.locks.lease-duration", "es.stores.cold.auto-provision",
                        "management.endpoint.migrations.access", "es.backup.retention.max-age");
        assertThat(missing).as("configuration keys named in README.md or docs/ but missing from the configuration"
                + " metadata (add the property, or its metadata, or fix the doc)").isEmpty();
    }

    @Test
    void meterNamesAreNotConfigurationKeys() throws IOException {
        Metadata metadata = Metadata.fromClasspath();
        assertThat(METER_NAMES).filteredOn(name -> !name.equals("es.migration")).noneMatch(metadata::knows);
    }

    @Test
    void aKeyMissingFromTheMetadataIsReportedWithItsFileAndLine() throws IOException {
        Metadata metadata = Metadata.fromClasspath();
        String doc = """
                Set `es.streams.chunk-size` and `es.streams.chunk-sizes`; run with `--es.nothing.here=1` or
                -Des.also.nothing=2, `es.stores.<name>.table-prefix`, not `es.stores.<name>.colour`.

                ```yaml
                es:
                  stores:
                    main: { type: memory, auto-provision: true, shade: blue }
                  locks: { provider: memory, lease-length: 60s }
                management.endpoint.migrations.access: read-only
                management.endpoint.migrations.acces: none
                ```
                """;
        List<String> missing = keys("test.md", doc).stream().filter(k -> !metadata.knows(k.name()))
                .map(k -> k.name() + " (" + k.where() + ")").toList();
        assertThat(missing).containsExactlyInAnyOrder("es.streams.chunk-sizes (test.md:1)",
                "es.nothing.here (test.md:1)", "es.also.nothing (test.md:2)", "es.stores.<name>.colour (test.md:2)",
                "es.stores.main.shade (test.md:5)", "es.locks.lease-length (test.md:5)",
                "management.endpoint.migrations.acces (test.md:10)");
    }

    // ---------------------------------------------------------------- reading the docs

    /**
     * A key named in a document, and where it is first named ({@code file:line}; a key only a yaml block's nesting
     * spells out at the block's first line).
     */
    record Key(String name, String where) {
    }

    static List<Key> keys(String file, String text) {
        List<Key> keys = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        String fence = null;
        int fenceLine = 0;
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = KEY.matcher(line);
            while (m.find()) {
                keys.add(new Key(m.group(1), file + ":" + (i + 1)));
            }
            Matcher f = FENCE.matcher(line);
            if (f.find()) {
                if (fence == null) {
                    fence = f.group(1).toLowerCase(Locale.ROOT);
                    fenceLine = i + 2;
                    block.setLength(0);
                } else {
                    for (String key : blockKeys(fence, block.toString(), file + ":" + fenceLine)) {
                        if (KEY.matcher(key).matches()) {
                            keys.add(new Key(key, file + ":" + fenceLine));
                        }
                    }
                    fence = null;
                }
            } else if (fence != null) {
                block.append(line).append('\n');
            }
        }
        Map<String, Key> first = new LinkedHashMap<>();
        keys.forEach(key -> first.putIfAbsent(key.name(), key));
        return List.copyOf(first.values());
    }

    private static List<String> blockKeys(String language, String block, String where) {
        List<String> keys = new ArrayList<>();
        switch (language) {
            case "yaml", "yml" -> {
                try {
                    for (Object document : new Yaml().loadAll(block)) {
                        flatten("", document, keys);
                    }
                } catch (RuntimeException e) {
                    throw new AssertionError("the yaml block at " + where + " is not valid YAML: " + e.getMessage(), e);
                }
            }
            case "properties" -> block.lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("!"))
                    .map(l -> l.split("[=:]", 2)[0].strip()).forEach(keys::add);
            default -> {
            }
        }
        return keys;
    }

    private static void flatten(String prefix, Object node, List<String> into) {
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, into));
        } else if (!prefix.isEmpty()) {
            into.add(prefix);
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new AssertionError("no README.md with a docs/ folder above " + Path.of("").toAbsolutePath());
    }

    // ---------------------------------------------------------------- the metadata

    /** The configuration metadata on the classpath: property names with their types, and group names. */
    record Metadata(Map<String, String> properties, Set<String> groups) {

        static Metadata fromClasspath() throws IOException {
            Map<String, String> properties = new HashMap<>();
            Set<String> groups = new HashSet<>();
            JsonMapper json = JsonMapper.builder().build();
            ClassLoader loader = DocumentedConfigurationKeysTest.class.getClassLoader();
            for (String resource : List.of("META-INF/spring-configuration-metadata.json",
                    "META-INF/additional-spring-configuration-metadata.json")) {
                for (URL url : Collections.list(loader.getResources(resource))) {
                    try (InputStream in = url.openStream()) {
                        JsonNode root = json.readTree(in);
                        root.path("properties").forEach(p ->
                                properties.putIfAbsent(p.path("name").asString(), p.path("type").asString("")));
                        root.path("groups").forEach(g -> groups.add(g.path("name").asString()));
                    }
                }
            }
            assertThat(properties).as("es's metadata on the classpath").containsKey("es.default-store");
            return new Metadata(properties, groups);
        }

        /** Whether {@code key} is a property, a group, a prefix of them ({@code x.*}) or a key under a map. */
        boolean knows(String key) {
            if (key.endsWith(".*")) {
                String prefix = key.substring(0, key.length() - 2);
                return groups.contains(prefix) || properties.containsKey(prefix)
                        || properties.keySet().stream().anyMatch(p -> p.startsWith(prefix + "."));
            }
            if (properties.containsKey(key) || groups.contains(key)) {
                return true;
            }
            for (Map.Entry<String, String> property : properties.entrySet()) {
                String type = property.getValue();
                if (type.startsWith("java.util.Map<") && key.startsWith(property.getKey() + ".")) {
                    String rest = key.substring(property.getKey().length() + 1);
                    int dot = rest.indexOf('.');
                    if (dot < 0) {
                        return true; // the map's entry itself, es.stores.main
                    }
                    return hasPath(valueType(type), rest.substring(dot + 1));
                }
            }
            return false;
        }

        /** Whether {@code path} (kebab-case, dotted) names bean properties of {@code type}, nested. */
        private static boolean hasPath(Class<?> type, String path) {
            if (type == null) {
                return false;
            }
            if (type == String.class) {
                return false;
            }
            Class<?> current = type;
            for (String segment : path.split("\\.")) {
                Class<?> next = null;
                for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(current)) {
                    if (!descriptor.getName().equals("class") && kebab(descriptor.getName()).equals(segment)) {
                        next = descriptor.getPropertyType();
                    }
                }
                if (next == null) {
                    return false;
                }
                current = next;
            }
            return true;
        }

        private static Class<?> valueType(String mapType) {
            String arguments = mapType.substring("java.util.Map<".length(), mapType.length() - 1);
            int depth = 0;
            for (int i = 0; i < arguments.length(); i++) {
                char c = arguments.charAt(i);
                if (c == '<') {
                    depth++;
                } else if (c == '>') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    String value = arguments.substring(i + 1).strip();
                    int generic = value.indexOf('<');
                    try {
                        return ClassUtils.forName(generic < 0 ? value : value.substring(0, generic),
                                DocumentedConfigurationKeysTest.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        return null;
                    }
                }
            }
            return null;
        }

        private static String kebab(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        }
    }
}
