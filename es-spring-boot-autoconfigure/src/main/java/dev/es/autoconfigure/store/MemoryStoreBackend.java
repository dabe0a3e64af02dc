package dev.es.autoconfigure.store;

import dev.es.autoconfigure.EsProperties;
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

/** The embedded default: everything in memory, gone at restart. */
public final class MemoryStoreBackend implements EsStoreBackend, EsLockProviderBackend {

    @Override
    public EsProperties.StoreType type() {
        return EsProperties.StoreType.MEMORY;
    }

    @Override
    public EsProperties.LockProvider provider() {
        return EsProperties.LockProvider.MEMORY;
    }

    @Override
    public EventStore eventStore(String name, EsProperties.Store config, EventStreamSettings settings) {
        return new InMemoryEventStore(name);
    }

    @Override
    public DocumentStore documentStore(String name, EsProperties.Store config) {
        return new InMemoryDocumentStore();
    }

    @Override
    public TagStore tagStore(String name, EsProperties.Store config) {
        return new InMemoryTagStore();
    }

    @Override
    public MigrationRoutingTable routingTable(String name, EsProperties.Store config) {
        return new InMemoryMigrationRoutingTable();
    }

    @Override
    public DistributedLockProvider lockProvider(String storeName, EsProperties.Store storeConfig,
                                                LockSettings settings) {
        return new InMemoryLockProvider(settings, Clock.systemUTC());
    }
}
