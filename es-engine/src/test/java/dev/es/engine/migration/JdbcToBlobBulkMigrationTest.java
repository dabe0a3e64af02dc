package dev.es.engine.migration;

import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.memory.InMemoryTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bulk-migration acceptance at its size: 2,000 objects from PostgreSQL ({@code main}, documents there too, read
 * page by page) to Azure Blob ({@code other}) under writers, and 1,000 objects shared by two runners, and
 * interrupted then resumed.
 */
class JdbcToBlobBulkMigrationTest extends AbstractBulkMigrationTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults());

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new JdbcEventStore("main", POSTGRES.connections(), JdbcTables.defaults()),
                new BlobEventStore(AZURITE.newContainer(), "other", 50),
                new JdbcDocumentStore(POSTGRES.connections(), JdbcTables.defaults()), new InMemoryTagStore(),
                new InMemoryLockProvider(), new InMemoryMigrationRoutingTable());
    }

    @Override
    protected int storeWideObjects() {
        return 2_000;
    }

    @Override
    protected int sharedObjects() {
        return 1_000;
    }
}
