package dev.es.engine.migration;

import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.memory.InMemoryTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lazy transform with the events and documents in PostgreSQL (both event stores on the machine's database). */
class PostgresLazyUpcastingTest extends AbstractLazyUpcastingTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", POSTGRES.connections(), JdbcTables.defaults()),
                new JdbcEventStore("other", POSTGRES.connections(), JdbcTables.defaults()),
                new JdbcDocumentStore(POSTGRES.connections(), JdbcTables.defaults()), new InMemoryTagStore(),
                new InMemoryLockProvider(), new InMemoryMigrationRoutingTable());
    }
}
