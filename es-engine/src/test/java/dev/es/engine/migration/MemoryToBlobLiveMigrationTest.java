package dev.es.engine.migration;

import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The live-migration scenarios between the memory store ({@code main}) and a blob store ({@code other}), both ways. */
class MemoryToBlobLiveMigrationTest extends AbstractLiveMigrationTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new InMemoryEventStore("main"),
                new BlobEventStore(AZURITE.newContainer(), "other", chunkSize()), new InMemoryDocumentStore(),
                new InMemoryTagStore(), new InMemoryLockProvider(), new InMemoryMigrationRoutingTable());
    }

    @Override
    protected int chainedMigrations() {
        return 6;
    }

    /**
     * Writers of the memory store, back to back, add events hundreds of times faster than anything can copy them to
     * a blob store: no hold of at most {@code maxSourcePause} can then catch up. The hot-object test paces them here;
     * back-to-back writers are measured per store by the benchmark harness (docs/benchmarks.md).
     */
    @Override
    protected long hotWriterPauseMillis() {
        return 1;
    }
}
