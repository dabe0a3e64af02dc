package dev.es.engine.store.memory;

import dev.es.engine.document.AbstractDocumentStoreContractTest;
import dev.es.engine.document.DocumentStore;

class InMemoryDocumentStoreTest extends AbstractDocumentStoreContractTest {

    @Override
    protected DocumentStore createStore() {
        return new InMemoryDocumentStore();
    }
}
