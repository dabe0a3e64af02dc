package dev.es.engine.store.blob;

import dev.es.engine.document.AbstractDocumentStoreContractTest;
import dev.es.engine.document.DocumentStore;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobDocumentStoreTest extends AbstractDocumentStoreContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected DocumentStore createStore() {
        return new BlobDocumentStore(AZURITE.newContainer());
    }
}
