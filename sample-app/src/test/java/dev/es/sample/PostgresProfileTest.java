package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample with {@code --spring.profiles.active=postgres} on the machine's PostgreSQL, in a schema of its own:
 * both stores are jdbc stores (tables {@code es_*} and {@code es_archive_*}, created at start-up), and an order
 * migrated from one to the other under writes keeps its whole history.
 */
class PostgresProfileTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOrderMovesFromOnePostgresStoreToTheOther() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
                .profiles("postgres")
                .run("--server.port=0", "--spring.datasource.url=" + url(POSTGRES.db()),
                        "--es.backup.location=target/es-backups-postgres-profile")) {
            EventStoreRegistry stores = app.getBean(EventStoreRegistry.class);
            assertThat(stores.get("main")).isInstanceOf(JdbcEventStore.class);
            assertThat(stores.get("archive")).isInstanceOf(JdbcEventStore.class);

            StoreProfileScenario.createAndMigrateAcrossStores(SampleHttp.of(app), "pg-1");

            // the source stays as the migration's terminated stream: OrderPlaced, notes, then the close event
            assertThat(count("es_events", "pg-1")).isGreaterThanOrEqualTo(7);
            assertThat(count("es_archive_events", "pg-1")).as("every event, the one added after the cutover too")
                    .isEqualTo(10);
        }
    }

    /** Rows of {@code table} in streams of the order {@code orderId}. */
    private static long count(String table, String orderId) throws Exception {
        try (Connection connection = POSTGRES.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table
                     + " WHERE stream_id LIKE 'order-" + orderId + "%'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static String url(PostgresTestDatabase db) {
        String url = PostgresTestDatabase.url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + db.schema();
    }
}
