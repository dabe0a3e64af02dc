package dev.es.engine.migration;

import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Verification of migrations between PostgreSQL ({@code main}, payloads kept as {@code jsonb}) and Azure Blob
 * ({@code other}, payloads kept as written), both ways.
 */
class JdbcToBlobMigrationVerificationTest extends AbstractMigrationVerificationTest {

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
}
