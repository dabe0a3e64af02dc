package dev.es.autoconfigure;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.tag.TagStore;

/**
 * Builds the stores of one {@code es.stores.<name>.type}. Each kind of store (memory, blob, jdbc) contributes one
 * bean of this type from its own auto-configuration, or a {@link MissingBackend} saying what it needs when it
 * cannot; adding a kind touches no other.
 */
interface EsStoreBackend {

    /** The value of {@code es.stores.<name>.type} this backend serves. */
    EsProperties.StoreType type();

    EventStore eventStore(StoreSettings store, EventStreamSettings settings);

    DocumentStore documentStore(StoreSettings store);

    TagStore tagStore(StoreSettings store);

    MigrationRoutingTable routingTable(StoreSettings store);
}
