package dev.es.engine.migration;

import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollback and book closing across stores: objects start on PostgreSQL ({@code main}), migrate to Azure Blob
 * ({@code other}) and are rolled back to PostgreSQL; sources are archived to another blob container.
 */
class JdbcToBlobRollbackAndBookClosingTest extends AbstractRollbackAndBookClosingTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", POSTGRES.connections(), JdbcTables.defaults()),
                new BlobEventStore(AZURITE.newContainer(), "other", chunkSize()), new InMemoryDocumentStore(),
                new InMemoryTagStore(), new InMemoryLockProvider(), new InMemoryMigrationRoutingTable());
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
