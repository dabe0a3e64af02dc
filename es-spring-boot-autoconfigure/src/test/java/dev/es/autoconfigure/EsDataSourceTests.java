package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcSchema;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * An application with two DataSources, its own (primary) and one qualified {@code @EsDataSource}: es keeps its tables,
 * streams and locks in the latter. Each DataSource is a schema of the test PostgreSQL of this class's own.
 */
class EsDataSourceTests {

    private static PostgresTestDatabase application;
    private static PostgresTestDatabase es;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsJdbcAutoConfiguration.class, EsStoresAutoConfiguration.class,
                    EsLocksAutoConfiguration.class));

    @BeforeAll
    static void databases() {
        application = PostgresTestDatabase.create();
        es = PostgresTestDatabase.create();
    }

    @AfterAll
    static void dropDatabases() {
        application.close();
        es.close();
    }

    @Test
    void runWithAnEsDataSourceShouldCreateAndUseEsTablesThereAndNotInThePrimaryOne() {
        runner.withUserConfiguration(TwoDataSources.class)
                .withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=own_",
                        "es.locks.provider=jdbc", "es.jdbc.initialize-schema=always").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(new JdbcSchema(es.connections(), new JdbcTables("own_")).schemaExists())
                            .as("es's tables are in the @EsDataSource's schema").isTrue();
                    assertThat(new JdbcSchema(application.connections(), new JdbcTables("own_")).schemaExists())
                            .as("and none in the application's primary DataSource").isFalse();

                    EventStore store = context.getBean(EventStoreRegistry.class).get("main");
                    String streamId = "own-" + UUID.randomUUID();
                    store.append(streamId, ExpectedVersion.noStream(), List.of(EventData.of("Own", "{}")));
                    assertThat(new JdbcEventStore("check", es.connections(), new JdbcTables("own_")).version(streamId))
                            .isEqualTo(1);

                    DistributedLockProvider locks = context.getBean(DistributedLockProvider.class);
                    try (DistributedLock lock = locks.acquire("own-lock", Duration.ofSeconds(1))) {
                        assertThat(lock).isNotNull();
                        assertThat(leaseRows()).as("the lease row is in the @EsDataSource's schema").isEqualTo(1);
                    }
                });
    }

    @Test
    void runWithoutAnEsDataSourceShouldUseThePrimaryOne() {
        runner.withUserConfiguration(PrimaryOnly.class)
                .withPropertyValues("es.stores.main.type=jdbc", "es.stores.main.table-prefix=shared_",
                        "es.jdbc.initialize-schema=always").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(new JdbcSchema(application.connections(), new JdbcTables("shared_")).schemaExists())
                            .isTrue();
                    assertThat(new JdbcSchema(es.connections(), new JdbcTables("shared_")).schemaExists()).isFalse();
                });
    }

    private static int leaseRows() throws java.sql.SQLException {
        return es.connections().read(connection -> {
            try (var rows = connection.createStatement().executeQuery("SELECT count(*) FROM own_locks")) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {

        @Bean(destroyMethod = "close")
        @Primary
        PostgresTestDatabase.PooledDataSource applicationDataSource() {
            return application.newDataSource();
        }

        @Bean(destroyMethod = "close")
        @EsDataSource
        PostgresTestDatabase.PooledDataSource esDataSource() {
            return es.newDataSource();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryOnly {

        @Bean(destroyMethod = "close")
        DataSource applicationDataSource() {
            return application.newDataSource();
        }
    }
}
