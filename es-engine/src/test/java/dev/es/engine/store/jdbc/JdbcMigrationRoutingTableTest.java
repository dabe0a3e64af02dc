package dev.es.engine.store.jdbc;

import dev.es.engine.migration.AbstractMigrationRoutingTableContractTest;
import dev.es.engine.migration.MigrationRoutingTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class JdbcMigrationRoutingTableTest extends AbstractMigrationRoutingTableContractTest {

    private static PostgresTestDatabase db;

    @BeforeAll
    static void database() {
        db = PostgresTestDatabase.create();
        db.initializeSchema(JdbcTables.defaults());
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Override
    protected MigrationRoutingTable createTable() {
        return new JdbcMigrationRoutingTable(db.connections(), JdbcTables.defaults());
    }
}
