package dev.es.engine.store.memory;

import dev.es.engine.store.AbstractEventStoreContractTest;
import dev.es.engine.store.EventStore;

class InMemoryEventStoreTest extends AbstractEventStoreContractTest {

    @Override
    protected EventStore createStore() {
        return new InMemoryEventStore("memory");
    }

    @Override
    protected boolean answersVersionOnRaise() {
        return true;
    }
}
