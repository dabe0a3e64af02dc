package dev.es.engine.store.jdbc;

import dev.es.engine.migration.AbstractMigrationRoutingTableContractTest;
import dev.es.engine.migration.MigrationRoutingTable;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcMigrationRoutingTableTest extends AbstractMigrationRoutingTableContractTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    @Override
    protected MigrationRoutingTable createTable() {
        return new JdbcMigrationRoutingTable(POSTGRES.connections(), JdbcTables.defaults());
    }
}
