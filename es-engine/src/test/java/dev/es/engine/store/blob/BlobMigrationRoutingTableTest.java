package dev.es.engine.store.blob;

import dev.es.engine.migration.AbstractMigrationRoutingTableContractTest;
import dev.es.engine.migration.MigrationRoutingTable;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobMigrationRoutingTableTest extends AbstractMigrationRoutingTableContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected MigrationRoutingTable createTable() {
        return new BlobMigrationRoutingTable(AZURITE.newContainer());
    }
}
