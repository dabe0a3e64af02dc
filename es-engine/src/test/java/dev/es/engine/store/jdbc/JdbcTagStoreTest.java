package dev.es.engine.store.jdbc;

import dev.es.engine.tag.AbstractTagStoreContractTest;
import dev.es.engine.tag.TagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs on tables with a non-default prefix, to prove the prefix reaches every statement. */
class JdbcTagStoreTest extends AbstractTagStoreContractTest {

    private static final JdbcTables TABLES = new JdbcTables("acme_es_");
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(TABLES);

    @Override
    protected TagStore createStore() {
        return new JdbcTagStore(POSTGRES.connections(), TABLES);
    }
}
