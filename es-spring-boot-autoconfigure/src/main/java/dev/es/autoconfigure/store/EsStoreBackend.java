package dev.es.autoconfigure.store;

import dev.es.autoconfigure.EsProperties;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.tag.TagStore;

/**
 * Builds the stores of one {@code es.stores.<name>.type}. Each kind of store (memory, blob, jdbc) contributes one
 * bean of this type from its own auto-configuration; adding a kind touches no other.
 */
public interface EsStoreBackend {

    /** The value of {@code es.stores.<name>.type} this backend serves. */
    EsProperties.StoreType type();

    /** Why this type is not available, for the start-up error when no backend serves it. */
    default String missingHint() {
        return "";
    }

    EventStore eventStore(String name, EsProperties.Store config, EventStreamSettings settings);

    DocumentStore documentStore(String name, EsProperties.Store config);

    TagStore tagStore(String name, EsProperties.Store config);

    MigrationRoutingTable routingTable(String name, EsProperties.Store config);
}
