package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcSchema;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.tag.TagStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceUtils;

/** The jdbc backend wired from properties, on the test PostgreSQL in a schema of this class's own. */
class EsJdbcAutoConfigurationTests {

    private static PostgresTestDatabase db;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsJdbcAutoConfiguration.class, EsStoresAutoConfiguration.class,
                    EsLocksAutoConfiguration.class))
            .withBean(DataSource.class, () -> db.newDataSource()); // the context closes it

    @BeforeAll
    static void database() {
        db = PostgresTestDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Test
    void runWhenTypeJdbcShouldGiveJdbcStoresDocumentsAndLocks() {
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=wired_",
                "es.locks.provider=jdbc", "es.jdbc.initialize-schema=always").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JdbcStoreBackend.class);
            EventStore store = context.getBean(EventStoreRegistry.class).get("main");
            assertThat(store).isInstanceOf(JdbcEventStore.class);
            assertThat(context.getBean(DocumentStore.class)).isInstanceOf(JdbcDocumentStore.class);
            assertThat(context.getBean(TagStore.class)).isInstanceOf(JdbcTagStore.class);
            assertThat(context.getBean(MigrationRoutingTable.class)).isInstanceOf(JdbcMigrationRoutingTable.class);
            assertThat(context.getBean(DistributedLockProvider.class)).isInstanceOf(JdbcLockProvider.class);

            assertThat(new JdbcSchema(db.connections(), new JdbcTables("wired_")).schemaExists())
                    .as("initialize-schema=always created the tables with the configured prefix").isTrue();
            String streamId = "wired-" + UUID.randomUUID();
            store.append(streamId, ExpectedVersion.noStream(), List.of(EventData.of("Wired", "{\"n\":1}")));
            JdbcEventStore independent = new JdbcEventStore("check", db.connections(), new JdbcTables("wired_"));
            assertThat(independent.version(streamId)).isEqualTo(1);

            DistributedLockProvider locks = context.getBean(DistributedLockProvider.class);
            try (DistributedLock lock = locks.acquire("wired-lock", Duration.ofSeconds(1))) {
                assertThat(lock).isNotNull();
                assertThat(locks.isLocked("wired-lock")).isTrue();
            }
            assertThat(locks.isLocked("wired-lock")).isFalse();
        });
    }

    @Test
    void runWhenSchemaInitializationIsNeverAndTablesAreMissingShouldFailNamingTheProperty() {
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=absent_",
                "es.jdbc.initialize-schema=never").run(context -> {
            EsConfigurationException failure = configurationFailure(context);
            assertThat(failure.property()).isEqualTo("es.jdbc.initialize-schema");
            assertThat(failure.getMessage()).contains("absent_events", "'never'");
            assertThat(failure.action()).contains("es.jdbc.initialize-schema=always");
        });
        assertThat(new JdbcSchema(db.connections(), new JdbcTables("absent_")).missingTables())
                .as("nothing was created").hasSize(JdbcTables.defaults().all().size());
    }

    @Test
    void runWhenSchemaInitializationIsMissingShouldUseEmbeddedAndNotCreateTablesInPostgresql() {
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=server_").run(context -> {
            EsConfigurationException failure = configurationFailure(context);
            assertThat(failure.property()).isEqualTo("es.jdbc.initialize-schema");
            assertThat(failure.getMessage()).contains("'embedded'", "not an embedded one");
        });
        assertThat(new JdbcSchema(db.connections(), new JdbcTables("server_")).schemaExists()).isFalse();
    }

    @Test
    void runWhenSchemaInitializationIsNeverAndTablesExistShouldStart() {
        db.initializeSchema(new JdbcTables("present_"));
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=present_",
                "es.locks.provider=jdbc", "es.jdbc.initialize-schema=NEVER").run(context -> {
            assertThat(context).hasNotFailed();
            EventStore store = context.getBean(EventStoreRegistry.class).get("main");
            String streamId = "present-" + UUID.randomUUID();
            store.append(streamId, ExpectedVersion.noStream(), List.of(EventData.of("Present", "{}")));
            assertThat(store.version(streamId)).isEqualTo(1);
        });
    }

    @Test
    void runWhenSchemaInitializationIsInvalidShouldFailNamingTheProperty() {
        runner.withPropertyValues("es.jdbc.initialize-schema=sometimes").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis report = FailureReports.analyze(context.getStartupFailure());
            assertThat(report.getDescription()).contains("es.jdbc.initialize-schema", "sometimes");
            assertThat(report.getAction()).contains("ALWAYS", "EMBEDDED", "NEVER");
        });
    }

    @Test
    void runWhenTheApplicationDefinesASchemaInitializerShouldUseItInsteadOfEsOwn() {
        runner.withUserConfiguration(CustomSchemaInitializer.class)
                .withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=custom_",
                        "es.jdbc.initialize-schema=never").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(EsJdbcSchemaInitializer.class)
                            .doesNotHaveBean("esJdbcSchemaInitializer");
                    assertThat(context.getBean(EsJdbcSchemaInitializer.class))
                            .isInstanceOf(RecordingSchemaInitializer.class);
                    assertThat(context.getBean(RecordingSchemaInitializer.class).runs).isEqualTo(1);
                    assertThat(context.getBeanFactory().getBeanDefinition("esJdbcStoreBackend").getDependsOn())
                            .as("Boot's database-initialization ordering: the backend checks tables after it")
                            .contains("customEsSchema");
                    assertThat(new JdbcSchema(db.connections(), new JdbcTables("custom_")).schemaExists()).isTrue();
                });
    }

    @Test
    void esOwnSchemaInitializerRunsBeforeTheBackendAndIsARuntimeHint() {
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=ordered_",
                "es.jdbc.initialize-schema=always").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(EsJdbcSchemaInitializer.class);
            assertThat(context.getBeanFactory().getBeanDefinition("esJdbcStoreBackend").getDependsOn())
                    .contains("esJdbcSchemaInitializer");
        });
        RuntimeHints hints = new RuntimeHints();
        new EsJdbcSchemaScript().registerHints(hints, getClass().getClassLoader());
        assertThat(RuntimeHintsPredicates.resource().forResource("dev/es/engine/store/jdbc/schema-postgresql.sql"))
                .accepts(hints);
        assertThat(getClass().getClassLoader().getResource("dev/es/engine/store/jdbc/schema-postgresql.sql"))
                .as("the engine ships the script at " + EsJdbcSchemaInitializer.SCHEMA_LOCATION).isNotNull();
    }

    @Test
    void runWithoutJdbcStoresShouldNotTouchTheDatabase() {
        runner.withPropertyValues("es.jdbc.initialize-schema=always").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(EsJdbcSchemaInitializer.class).initializeDatabase()).isFalse();
            assertThat(new JdbcSchema(db.connections(), new JdbcTables("es_")).schemaExists()).isFalse();
        });
    }

    /** An application's own schema initializer: creates the es tables itself and counts its runs. */
    @Configuration(proxyBeanMethods = false)
    static class CustomSchemaInitializer {

        @Bean
        RecordingSchemaInitializer customEsSchema(DataSource dataSource) {
            return new RecordingSchemaInitializer(dataSource);
        }
    }

    static class RecordingSchemaInitializer extends EsJdbcSchemaInitializer {

        int runs;

        RecordingSchemaInitializer(DataSource dataSource) {
            super(dataSource, DatabaseInitializationMode.ALWAYS, Map.of("main", "custom_"));
        }

        @Override
        protected void runScripts(Scripts scripts) {
            runs++;
            super.runScripts(scripts);
        }
    }

    @Test
    void runWhenTablePrefixIsInvalidShouldFailNamingTheProperty() {
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=es; drop table x; --",
                "es.jdbc.initialize-schema=always").run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureReports.property(context.getStartupFailure())).isEqualTo("es.stores.main.table-prefix");
            assertThat(FailureReports.analyze(context.getStartupFailure()).getDescription())
                    .contains("es; drop table x; --", JdbcTables.PREFIX_PATTERN);
        });
    }

    @Test
    void runWhenLockStoreHasInvalidTablePrefixShouldFailNamingThatStore() {
        runner.withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=wired_",
                "es.stores.locking.type=memory", "es.stores.locking.table-prefix=Bad-Prefix",
                "es.locks.provider=jdbc", "es.locks.store=locking", "es.jdbc.initialize-schema=always")
                .run(context -> assertThat(FailureReports.property(context.getStartupFailure()))
                        .isEqualTo("es.stores.locking.table-prefix"));
    }

    @Test
    void runWithoutDataSourceShouldFailWithTypeJdbcNamingWhatIsMissing() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EsJdbcAutoConfiguration.class,
                        EsStoresAutoConfiguration.class, EsLocksAutoConfiguration.class))
                .withPropertyValues("es.stores.main.type=jdbc").run(context -> {
                    EsConfigurationException failure = configurationFailure(context);
                    assertThat(failure.property()).isEqualTo("es.stores.main.type");
                    assertThat(failure.getMessage()).contains("'jdbc'", "not available");
                    assertThat(failure.action()).contains("needs a DataSource", "spring.datasource.url");
                });
    }

    @Test
    void runWithoutDataSourceShouldRefuseJdbcLocks() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EsJdbcAutoConfiguration.class,
                        EsStoresAutoConfiguration.class, EsLocksAutoConfiguration.class))
                .withPropertyValues("es.locks.provider=jdbc")
                .run(context -> assertThat(configurationFailure(context).property()).isEqualTo("es.locks.provider"));
    }

    @Test
    void runWithoutSpringJdbcShouldNotContributeTheBackend() {
        runner.withClassLoader(new FilteredClassLoader(DataSourceUtils.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(JdbcStoreBackend.class);
            assertThat(context.getBean(EventStoreRegistry.class).get("main")).isNotInstanceOf(JdbcEventStore.class);
        });
    }

    @Test
    void runWhenDisabledShouldNotContributeTheBackend() {
        runner.withPropertyValues("es.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcStoreBackend.class));
    }

    private static EsConfigurationException configurationFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable cause = context.getStartupFailure();
        while (cause != null && !(cause instanceof EsConfigurationException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("an EsConfigurationException among the causes of %s", context.getStartupFailure())
                .isInstanceOf(EsConfigurationException.class);
        return (EsConfigurationException) cause;
    }
}
