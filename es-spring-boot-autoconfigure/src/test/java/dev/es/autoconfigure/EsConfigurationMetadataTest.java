package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The configuration metadata es ships, which IDEs read for completion: typed properties and value hints. */
class EsConfigurationMetadataTest {

    @Test
    void storeTypeLockProviderAndSchemaModeAreTypedAndHinted() throws IOException {
        JsonNode metadata = esMetadata();
        assertThat(property(metadata, "es.locks.provider").path("type").asString())
                .isEqualTo(EsProperties.LockProvider.class.getName());
        assertThat(property(metadata, "es.locks.provider").path("defaultValue").asString()).isEqualTo("memory");
        assertThat(property(metadata, "es.jdbc.initialize-schema").path("type").asString())
                .isEqualTo("org.springframework.boot.sql.init.DatabaseInitializationMode");
        assertThat(property(metadata, "es.migration.close-attempts-before-pause").path("defaultValue").asInt())
                .isEqualTo(3);
        assertThat(hintValues(metadata, "es.locks.provider")).containsExactly("memory", "blob", "jdbc");
        assertThat(property(metadata, "es.migration.max-events-per-second").path("type").asString())
                .isEqualTo("java.lang.Double");
        assertThat(property(metadata, "es.migration.max-events-per-second").path("defaultValue").asDouble())
                .isZero();
        assertThat(property(metadata, "es.migration.max-events-per-second").path("description").asString())
                .contains("per second");
        assertThat(property(metadata, "es.backup.provider").path("type").asString())
                .isEqualTo(EsProperties.BackupProvider.class.getName());
        assertThat(property(metadata, "es.backup.provider").path("defaultValue").asString()).isEqualTo("file");
        assertThat(hintValues(metadata, "es.backup.provider")).containsExactly("file", "blob");
        assertThat(property(metadata, "es.backup.location").path("defaultValue").asString())
                .isEqualTo("./es-backups");
        assertThat(property(metadata, "es.backup.retention.max-age").path("type").asString())
                .isEqualTo("java.time.Duration");
        assertThat(property(metadata, "es.backup.retention.max-count").path("type").asString())
                .isEqualTo("java.lang.Integer");
        assertThat(property(metadata, "es.backup.container").path("description").asString()).isNotEmpty();
        assertThat(hintValues(metadata, "es.jdbc.initialize-schema")).containsExactly("always", "embedded", "never");
        assertThat(hintValues(metadata, "es.migration.convergence-failure"))
                .containsExactly("pause-source", "keep-trying", "fail");
        List<String> names = new ArrayList<>();
        metadata.path("properties").forEach(p -> names.add(p.path("name").asString()));
        assertThat(names).filteredOn(name -> name.startsWith("es.actuator"))
                .as("only the removed write switch, flagged as an error").containsExactly(REMOVED_WRITE_SWITCH);
        JsonNode removed = property(metadata, REMOVED_WRITE_SWITCH).path("deprecation");
        assertThat(removed.path("level").asString()).isEqualTo("error");
        assertThat(removed.path("replacement").asString()).isEqualTo("management.endpoint.migrations.access");
        assertThat(property(metadata, "management.health.es.enabled").path("defaultValue").asBoolean()).isTrue();
        assertThat(property(metadata, "es.migration.max-concurrent").path("defaultValue").asInt()).isEqualTo(64);
        JsonNode unread = property(metadata, "es.locks.max-acquire-wait").path("deprecation");
        assertThat(unread.path("replacement").asString()).isEqualTo("es.migration.lock-wait");
        assertThat(unread.path("reason").asString()).contains("Never read");
    }

    private static final String REMOVED_WRITE_SWITCH = "es.actuator.migrations.write-enabled";

    @Test
    void theStoreTypeEnumIsWhatStoresBindTo() {
        assertThat(EsProperties.StoreType.values()).extracting(Object::toString)
                .containsExactly("memory", "blob", "jdbc");
        assertThat(new EsProperties.Store().getType()).isEqualTo(EsProperties.StoreType.MEMORY);
    }

    @Test
    void theAutoConfigurationsHaveProcessorMetadata() {
        assertThat(getClass().getClassLoader().getResource("META-INF/spring-autoconfigure-metadata.properties"))
                .isNotNull();
    }

    private static JsonNode esMetadata() throws IOException {
        for (URL url : Collections.list(EsConfigurationMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                JsonNode node = JsonMapper.builder().build().readTree(in);
                if (property(node, "es.default-store") != null) {
                    return node;
                }
            }
        }
        throw new AssertionError("no configuration metadata with es.default-store on the classpath");
    }

    private static JsonNode property(JsonNode metadata, String name) {
        for (JsonNode p : metadata.path("properties")) {
            if (name.equals(p.path("name").asString())) {
                return p;
            }
        }
        return null;
    }

    private static List<String> hintValues(JsonNode metadata, String name) {
        List<String> values = new ArrayList<>();
        for (JsonNode hint : metadata.path("hints")) {
            if (name.equals(hint.path("name").asString())) {
                hint.path("values").forEach(v -> values.add(v.path("value").asString()));
            }
        }
        return values;
    }
}
