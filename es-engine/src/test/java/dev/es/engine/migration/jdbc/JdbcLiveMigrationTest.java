package dev.es.engine.migration.jdbc;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.AbstractLiveMigrationTest;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The live-migration scenarios on PostgreSQL: two event stores in two table sets of one database. */
class JdbcLiveMigrationTest extends AbstractLiveMigrationTest {

    private static PostgresTestDatabase db;
    private static final JdbcTables MAIN = JdbcTables.defaults();
    private static final JdbcTables OTHER = new JdbcTables("other_");

    @BeforeAll
    static void database() {
        db = PostgresTestDatabase.create();
        db.initializeSchema(MAIN);
        db.initializeSchema(OTHER);
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", db.connections(), MAIN),
                new JdbcEventStore("other", db.connections(), OTHER),
                new JdbcDocumentStore(db.connections(), MAIN), new JdbcTagStore(db.connections(), MAIN),
                new JdbcLockProvider(db.connections(), MAIN, LockSettings.defaults(), Clock.systemUTC()),
                new JdbcMigrationRoutingTable(db.connections(), MAIN));
    }
}
