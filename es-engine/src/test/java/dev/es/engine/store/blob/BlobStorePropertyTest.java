package dev.es.engine.store.blob;

import dev.es.engine.store.AbstractStorePropertyTest;
import dev.es.engine.store.EventStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The property test on Azure Blob Storage (Azurite): 40 trials, with a chunk size of 4 so chunks roll over. */
class BlobStorePropertyTest extends AbstractStorePropertyTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected EventStore createStore() {
        return new BlobEventStore(AZURITE.newContainer(), "main", 4);
    }

    @Override
    protected int trials() {
        return 40;
    }
}
