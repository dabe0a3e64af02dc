package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcSchema;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole application wired from {@code application-jdbctest.yml}: {@code type: jdbc} stores and jdbc locks on the
 * DataSource Spring Boot builds from {@code spring.datasource.url}, tables created by
 * {@code es.jdbc.initialize-schema: always}.
 */
@SpringBootTest
@ActiveProfiles("jdbctest")
class EsJdbcSpringBootTests {

    private static final PostgresTestDatabase db = PostgresTestDatabase.create();

    @DynamicPropertySource
    static void dataSource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> JdbcTestDatabaseUrl.of(db));
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Autowired
    private DataSource dataSource;
    @Autowired
    private EventStoreRegistry stores;
    @Autowired
    private DocumentStore documents;
    @Autowired
    private MigrationRoutingTable routingTable;
    @Autowired
    private DistributedLockProvider locks;
    @Autowired
    private EventStreams streams;

    @Test
    void storesAndLocksAreJdbcOnTheApplicationsDataSource() {
        assertThat(dataSource).isInstanceOf(HikariDataSource.class);
        assertThat(stores.get("main")).isInstanceOf(JdbcEventStore.class);
        assertThat(documents).isInstanceOf(JdbcDocumentStore.class);
        assertThat(routingTable).isInstanceOf(JdbcMigrationRoutingTable.class);
        assertThat(locks).isInstanceOf(JdbcLockProvider.class);
        assertThat(locks.isReachable()).isTrue();
    }

    @Test
    void initializeSchemaAlwaysCreatedTheTablesWithTheConfiguredPrefixInTheTestSchema() {
        assertThat(new JdbcSchema(db.connections(), new JdbcTables("app_")).missingTables()).isEmpty();
        assertThat(new JdbcSchema(db.connections(), JdbcTables.defaults()).schemaExists())
                .as("only the configured prefix").isFalse();
    }

    @Test
    void eventsAppendedThroughEventStreamsLandInPostgresql() {
        String id = UUID.randomUUID().toString();
        EventStream stream = streams.open("Order", id);
        stream.append(EventData.of("OrderPlaced", "{\"total\":12}"), EventData.of("OrderPaid", "{}"));

        JdbcEventStore independent = new JdbcEventStore("check", db.connections(), new JdbcTables("app_"));
        List<StoredEvent> events = independent.read(stream.activeStream().streamId(), 1, 10);
        assertThat(events).extracting(StoredEvent::type).containsExactly("OrderPlaced", "OrderPaid");
        assertThat(new JdbcDocumentStore(db.connections(), new JdbcTables("app_")).get("Order", id)).isPresent();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class JdbcTestApplication {
    }
}
