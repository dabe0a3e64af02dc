package dev.es.engine.store.memory;

import dev.es.engine.store.AbstractStorePropertyTest;
import dev.es.engine.store.EventStore;

/** The property test on the memory store: 500 trials. */
class InMemoryStorePropertyTest extends AbstractStorePropertyTest {

    @Override
    protected EventStore createStore() {
        return new InMemoryEventStore("main");
    }

    @Override
    protected int trials() {
        return 500;
    }
}
