package dev.es.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.EventData;
import dev.es.engine.store.ExpectedVersion;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcSchemaTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void aMissingSchemaIsReportedAndInitialisingTwiceIsHarmlessAndKeepsData() {
        JdbcTables tables = new JdbcTables("twice_");
        JdbcSchema schema = new JdbcSchema(POSTGRES.connections(), tables);
        assertThat(schema.schemaExists()).isFalse();
        assertThat(schema.missingTables()).containsExactlyElementsOf(tables.all());
        assertThatThrownBy(schema::verify).isInstanceOfSatisfying(JdbcSchemaMissingException.class, e -> {
            assertThat(e.prefix()).isEqualTo("twice_");
            assertThat(e.missingTables()).contains("twice_events");
        }).hasMessageContaining("initialize-schema");

        schema.initialize();
        assertThat(schema.schemaExists()).isTrue();
        schema.verify();
        JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), tables);
        store.append("kept", ExpectedVersion.noStream(), List.of(EventData.of("Kept", "{}")));

        schema.initialize();
        assertThat(schema.schemaExists()).isTrue();
        assertThat(store.version("kept")).isEqualTo(1);
    }

    @Test
    void everyStatementOnlyCreatesWhatIsMissing() {
        List<String> statements = new JdbcSchema(POSTGRES.connections(), JdbcTables.defaults()).statements();
        assertThat(statements).isNotEmpty().allSatisfy(sql -> {
            String upper = sql.toUpperCase(Locale.ROOT);
            if (upper.startsWith("ALTER")) {
                assertThat(upper).matches("(?s)ALTER TABLE \\w+ ADD COLUMN IF NOT EXISTS .*");
            } else if (upper.startsWith("CREATE OR REPLACE FUNCTION")) {
                assertThat(upper).doesNotContain("ALTER ").doesNotContain("CREATE TABLE");
            } else {
                assertThat(upper).startsWith("CREATE").contains("IF NOT EXISTS").doesNotContain("ALTER");
            }
            assertThat(upper).doesNotContain("DROP").doesNotContain("TRUNCATE").doesNotContain("DELETE");
            assertThat(sql).doesNotContain("${");
        });
    }

    @Test
    void aStreamsTableMadeBeforeFencingIsReportedAndGetsTheFenceColumnKeepingItsRows() throws Exception {
        JdbcTables tables = new JdbcTables("old_");
        JdbcSchema schema = new JdbcSchema(POSTGRES.connections(), tables);
        schema.initialize();
        JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), tables);
        store.append("kept", ExpectedVersion.noStream(), List.of(EventData.of("Kept", "{}")));
        POSTGRES.connections().inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("ALTER TABLE old_streams DROP COLUMN fence"); // as made before fencing existed
            }
            return null;
        });
        assertThat(schema.missingTables()).containsExactly("old_streams.fence");
        assertThatThrownBy(schema::verify).isInstanceOf(JdbcSchemaMissingException.class)
                .hasMessageContaining("old_streams.fence");

        schema.initialize();

        assertThat(schema.missingTables()).isEmpty();
        assertThat(store.version("kept")).isEqualTo(1);
        store.raiseFence("kept", 2);
        assertThat(store.append("kept", ExpectedVersion.exactly(1), List.of(EventData.of("More", "{}")), 2)
                .newVersion()).isEqualTo(2);
    }

    @Test
    void theAppendFunctionIsOneStatementOfTheScript() {
        List<String> statements = new JdbcSchema(POSTGRES.connections(), new JdbcTables("fn_")).statements();
        assertThat(statements).filteredOn(sql -> sql.contains("FUNCTION")).singleElement()
                .satisfies(sql -> assertThat(sql).startsWith("CREATE OR REPLACE FUNCTION fn_append(")
                        .contains("INSERT INTO fn_events").endsWith("$$"));
    }

    @Test
    void aDatabaseMadeBeforeTheAppendFunctionIsReportedAndGetsItKeepingItsData() throws Exception {
        JdbcTables tables = new JdbcTables("nofn_");
        JdbcSchema schema = new JdbcSchema(POSTGRES.connections(), tables);
        schema.initialize();
        JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), tables);
        store.append("kept", ExpectedVersion.noStream(), List.of(EventData.of("Kept", "{}")));
        POSTGRES.connections().inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                // as made by a version that appended with several statements
                statement.execute("DROP FUNCTION nofn_append");
            }
            return null;
        });
        assertThat(schema.missingTables()).containsExactly("nofn_append()");
        assertThatThrownBy(schema::verify).isInstanceOf(JdbcSchemaMissingException.class)
                .hasMessageContaining("nofn_append()");

        schema.initialize();

        assertThat(schema.missingTables()).isEmpty();
        assertThat(store.append("kept", ExpectedVersion.exactly(1), List.of(EventData.of("More", "{}")))
                .newVersion()).isEqualTo(2);
    }

    @Test
    void anEventsTableWithTheFormerStoreWidePositionKeepsItAndTakesAppends() throws Exception {
        JdbcTables tables = new JdbcTables("pos_");
        JdbcSchema schema = new JdbcSchema(POSTGRES.connections(), tables);
        schema.initialize();
        POSTGRES.connections().inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                // as made by a version that kept a store-wide order
                statement.execute("ALTER TABLE pos_events ADD COLUMN position bigint GENERATED ALWAYS AS IDENTITY");
                statement.execute("CREATE UNIQUE INDEX pos_events_position_uk ON pos_events (position)");
            }
            return null;
        });
        assertThat(schema.missingTables()).isEmpty();

        schema.initialize();
        JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), tables);
        store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("First", "{}"))); // the function
        store.append("s", ExpectedVersion.exactly(1), List.of(EventData.of("Second", "{}"))); // the fast path
        store.append("s", ExpectedVersion.any(), List.of(EventData.of("Third", "{}"), EventData.of("Fourth", "{}")));

        assertThat(store.read("s", 1, 10)).extracting(e -> e.type())
                .containsExactly("First", "Second", "Third", "Fourth");
        List<Long> positions = POSTGRES.connections().read(connection -> {
            try (var statement = connection.createStatement();
                 var rs = statement.executeQuery("SELECT position FROM pos_events ORDER BY version")) {
                List<Long> found = new java.util.ArrayList<>();
                while (rs.next()) {
                    found.add(rs.getLong(1));
                }
                return found;
            }
        });
        assertThat(positions).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void concurrentInitialisationsDoNotFail() throws Exception {
        JdbcTables tables = new JdbcTables("race_");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(pool.submit(() -> new JdbcSchema(JdbcConnections.of(POSTGRES.newDataSource()), tables).initialize()));
        }
        for (var run : runs) {
            run.get();
        }
        pool.shutdown();
        assertThat(new JdbcSchema(POSTGRES.connections(), tables).schemaExists()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ES_", "1es_", "es_; DROP TABLE x; --", "es-", "es_\"x", "a_prefix_that_is_far_too_long_xyz"})
    void aBadPrefixIsATypedErrorNamingIt(String prefix) {
        assertThatThrownBy(() -> new JdbcTables(prefix))
                .isInstanceOfSatisfying(InvalidTablePrefixException.class, e -> {
                    assertThat(e.value()).isEqualTo(prefix);
                    assertThat(e.kind()).isEqualTo("table prefix");
                })
                .hasMessageContaining(prefix.isEmpty() ? "table prefix ''" : prefix.substring(0, Math.min(prefix.length(), 20)));
    }

    @Test
    void goodPrefixesAreAccepted() {
        assertThat(new JdbcTables("es_").events()).isEqualTo("es_events");
        assertThat(new JdbcTables("tenant1_es_").locks()).isEqualTo("tenant1_es_locks");
        assertThat(JdbcTables.defaults().prefix()).isEqualTo("es_");
    }
}
