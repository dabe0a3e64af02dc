package dev.es.engine.migration;

class InMemoryMigrationRoutingTableTest extends AbstractMigrationRoutingTableContractTest {

    @Override
    protected MigrationRoutingTable createTable() {
        return new InMemoryMigrationRoutingTable();
    }
}
