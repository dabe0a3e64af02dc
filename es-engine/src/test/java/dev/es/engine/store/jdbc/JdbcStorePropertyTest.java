package dev.es.engine.store.jdbc;

import dev.es.engine.store.AbstractStorePropertyTest;
import dev.es.engine.store.EventStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The property test on PostgreSQL: 150 trials. */
class JdbcStorePropertyTest extends AbstractStorePropertyTest {

    private static final JdbcTables TABLES = JdbcTables.defaults();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(TABLES);

    @Override
    protected EventStore createStore() {
        return new JdbcEventStore("main", POSTGRES.connections(), TABLES);
    }

    @Override
    protected int trials() {
        return 150;
    }
}
