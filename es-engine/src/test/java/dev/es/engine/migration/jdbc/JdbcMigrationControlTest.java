package dev.es.engine.migration.jdbc;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.AbstractMigrationControlTest;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The control scenarios on PostgreSQL: events, documents, tags, locks and routing entries all in the database. */
class JdbcMigrationControlTest extends AbstractMigrationControlTest {

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
}
