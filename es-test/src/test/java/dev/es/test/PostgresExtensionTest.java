package dev.es.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL extension from this artifact gives a test class a schema of its own with es's tables. */
class PostgresExtensionTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    @Test
    void aTestClassGetsASchemaOfItsOwnWithEsTables() throws Exception {
        JdbcEventStore store = new JdbcEventStore("pg", POSTGRES.connections(), JdbcTables.defaults());
        store.append("order-1", ExpectedVersion.noStream(), List.of(EventData.of("OrderPlaced", "{}")));

        assertThat(store.version("order-1")).isEqualTo(1);
        try (Connection c = POSTGRES.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT current_schema()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(POSTGRES.schema()).startsWith("es_test_");
        }
    }
}
