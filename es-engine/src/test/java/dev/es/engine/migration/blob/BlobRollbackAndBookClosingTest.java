package dev.es.engine.migration.blob;

import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.AbstractRollbackAndBookClosingTest;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rollback after the cutover and book closing on Azure Blob Storage (Azurite): three event stores, three containers. */
class BlobRollbackAndBookClosingTest extends AbstractRollbackAndBookClosingTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected MigrationTestStores createStores() {
        var meta = AZURITE.newContainer();
        return new MigrationTestStores(new BlobEventStore(AZURITE.newContainer(), "main", chunkSize()),
                new BlobEventStore(AZURITE.newContainer(), "other", chunkSize()), new BlobDocumentStore(meta),
                new BlobTagStore(meta), new BlobLeaseLockProvider(meta), new BlobMigrationRoutingTable(meta));
    }

    @Override
    protected EventStore createArchiveStore() {
        return new BlobEventStore(AZURITE.newContainer(), "archive", chunkSize());
    }

    @Override
    protected long writerPauseMillis() {
        return 2;
    }
}
