package dev.es.engine.store.blob;

import dev.es.engine.tag.AbstractTagStoreContractTest;
import dev.es.engine.tag.TagStore;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobTagStoreTest extends AbstractTagStoreContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected TagStore createStore() {
        return new BlobTagStore(AZURITE.newContainer());
    }
}
