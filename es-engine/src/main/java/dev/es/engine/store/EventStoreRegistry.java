package dev.es.engine.store;

import dev.es.engine.Identifiers;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The configured event stores, by name. */
public final class EventStoreRegistry {

    private final Map<String, EventStore> stores;

    public EventStoreRegistry(Collection<? extends EventStore> stores) {
        Map<String, EventStore> byName = new LinkedHashMap<>();
        for (EventStore store : stores) {
            Identifiers.requireStoreName(store.name());
            if (byName.putIfAbsent(store.name(), store) != null) {
                throw new IllegalArgumentException("Two event stores are named '" + store.name() + "'");
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("At least one event store must be configured");
        }
        this.stores = Collections.unmodifiableMap(byName);
    }

    /** A registry of the given stores. */
    public static EventStoreRegistry of(EventStore... stores) {
        return new EventStoreRegistry(java.util.List.of(stores));
    }

    /** The store named {@code name}. */
    public EventStore get(String name) {
        EventStore store = name == null ? null : stores.get(name);
        if (store == null) {
            throw new UnknownStoreException(name, stores.keySet());
        }
        return store;
    }

    public boolean contains(String name) {
        return stores.containsKey(name);
    }

    public Set<String> names() {
        return stores.keySet();
    }

    public Collection<EventStore> all() {
        return stores.values();
    }
}
