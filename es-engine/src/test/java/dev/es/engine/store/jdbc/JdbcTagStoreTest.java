package dev.es.engine.store.jdbc;

import dev.es.engine.tag.AbstractTagStoreContractTest;
import dev.es.engine.tag.TagStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Runs on tables with a non-default prefix, to prove the prefix reaches every statement. */
class JdbcTagStoreTest extends AbstractTagStoreContractTest {

    private static final JdbcTables TABLES = new JdbcTables("acme_es_");
    private static PostgresTestDatabase db;

    @BeforeAll
    static void database() {
        db = PostgresTestDatabase.create();
        db.initializeSchema(TABLES);
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Override
    protected TagStore createStore() {
        return new JdbcTagStore(db.connections(), TABLES);
    }
}
