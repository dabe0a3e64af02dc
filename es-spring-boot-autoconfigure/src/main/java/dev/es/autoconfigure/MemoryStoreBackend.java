package dev.es.autoconfigure;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.tag.TagStore;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/** The embedded default: everything in memory, gone at restart. */
final class MemoryStoreBackend implements EsStoreBackend, EsLockProviderBackend {

    @Override
    public EsProperties.StoreType type() {
        return EsProperties.StoreType.MEMORY;
    }

    @Override
    public EsProperties.LockProvider provider() {
        return EsProperties.LockProvider.MEMORY;
    }

    @Override
    public EventStore eventStore(StoreSettings store, EventStreamSettings settings) {
        return new InMemoryEventStore(store.name());
    }

    @Override
    public DocumentStore documentStore(StoreSettings store) {
        return new InMemoryDocumentStore();
    }

    @Override
    public TagStore tagStore(StoreSettings store) {
        return new InMemoryTagStore();
    }

    @Override
    public MigrationRoutingTable routingTable(StoreSettings store) {
        return new InMemoryMigrationRoutingTable();
    }

    @Override
    public DistributedLockProvider lockProvider(StoreSettings store, LockSettings settings,
                                                ScheduledExecutorService heartbeats) {
        return new InMemoryLockProvider(settings, Clock.systemUTC(), heartbeats);
    }
}
