package dev.es.engine.migration.jdbc;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.AbstractMigrationDryRunTest;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dry run on PostgreSQL: two event stores in two table sets of one schema, documents, routing table and locks
 * in the first. What they keep is every row of every table of the schema, compared as text.
 */
class JdbcMigrationDryRunTest extends AbstractMigrationDryRunTest {

    private static final JdbcTables MAIN = JdbcTables.defaults();
    private static final JdbcTables OTHER = new JdbcTables("other_");
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(MAIN, OTHER);

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", POSTGRES.connections(), MAIN),
                new JdbcEventStore("other", POSTGRES.connections(), OTHER),
                new JdbcDocumentStore(POSTGRES.connections(), MAIN), new JdbcTagStore(POSTGRES.connections(), MAIN),
                new JdbcLockProvider(POSTGRES.connections(), MAIN, LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(POSTGRES.connections(), MAIN));
    }

    @Override
    protected Object storedState() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = POSTGRES.dataSource().getConnection()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement list = connection.prepareStatement("SELECT table_name FROM"
                    + " information_schema.tables WHERE table_schema = ? ORDER BY table_name")) {
                list.setString(1, POSTGRES.schema());
                try (ResultSet rs = list.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            assertTablesFound(tables);
            for (String table : tables) {
                try (Statement dump = connection.createStatement();
                     ResultSet rs = dump.executeQuery("SELECT t::text FROM \"" + POSTGRES.schema() + "\".\""
                             + table + "\" t ORDER BY 1")) {
                    while (rs.next()) {
                        rows.add(table + ": " + rs.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    private static void assertTablesFound(List<String> tables) {
        org.assertj.core.api.Assertions.assertThat(tables).contains("es_streams", "es_events", "es_documents",
                "es_migrations", "es_locks", "other_streams", "other_events");
    }
}
