package dev.es.engine.migration;

import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;

class InMemoryLazyUpcastingTest extends AbstractLazyUpcastingTest {

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new InMemoryEventStore("main"), new InMemoryEventStore("other"),
                new InMemoryDocumentStore(), new InMemoryTagStore(), new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable());
    }
}
