package dev.es.engine.migration.blob;

import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.AbstractMigrationControlTest;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The control scenarios on Azure Blob Storage (Azurite): every store in blobs, events in two containers. */
class BlobMigrationControlTest extends AbstractMigrationControlTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected MigrationTestStores createStores() {
        var meta = AZURITE.newContainer();
        return new MigrationTestStores(new BlobEventStore(AZURITE.newContainer(), "main", chunkSize()),
                new BlobEventStore(AZURITE.newContainer(), "other", chunkSize()), new BlobDocumentStore(meta),
                new BlobTagStore(meta), new BlobLeaseLockProvider(meta), new BlobMigrationRoutingTable(meta));
    }
}
