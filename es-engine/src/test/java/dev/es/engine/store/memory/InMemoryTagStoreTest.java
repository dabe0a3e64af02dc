package dev.es.engine.store.memory;

import dev.es.engine.tag.AbstractTagStoreContractTest;
import dev.es.engine.tag.TagStore;

class InMemoryTagStoreTest extends AbstractTagStoreContractTest {

    @Override
    protected TagStore createStore() {
        return new InMemoryTagStore();
    }
}
