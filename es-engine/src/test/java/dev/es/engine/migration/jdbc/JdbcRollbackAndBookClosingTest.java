package dev.es.engine.migration.jdbc;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.AbstractRollbackAndBookClosingTest;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rollback after the cutover and book closing on PostgreSQL: three event stores in three table sets. */
class JdbcRollbackAndBookClosingTest extends AbstractRollbackAndBookClosingTest {

    private static final JdbcTables MAIN = JdbcTables.defaults();
    private static final JdbcTables OTHER = new JdbcTables("other_");
    private static final JdbcTables ARCHIVE = new JdbcTables("archive_");
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(MAIN, OTHER, ARCHIVE);

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", POSTGRES.connections(), MAIN),
                new JdbcEventStore("other", POSTGRES.connections(), OTHER),
                new JdbcDocumentStore(POSTGRES.connections(), MAIN), new JdbcTagStore(POSTGRES.connections(), MAIN),
                new JdbcLockProvider(POSTGRES.connections(), MAIN, LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(POSTGRES.connections(), MAIN));
    }

    @Override
    protected EventStore createArchiveStore() {
        return new JdbcEventStore("archive", POSTGRES.connections(), ARCHIVE);
    }
}
