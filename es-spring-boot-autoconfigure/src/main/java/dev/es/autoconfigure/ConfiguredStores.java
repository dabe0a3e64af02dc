package dev.es.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stores in effect and the roles they play, derived once from {@link EsProperties} by
 * {@link EsSettings#stores(EsProperties)}: the configured stores (or one memory store named after the default store
 * when none is configured), the default store, the store holding documents, tags and migration entries, and the
 * store whose container or database holds the locks.
 *
 * @param stores         the stores in effect, by name, in configuration order
 * @param defaultStore   {@code es.default-store}
 * @param documentsStore {@code es.documents.store}, else the default store
 * @param locksStore     {@code es.locks.store}, else the documents store
 */
record ConfiguredStores(Map<String, StoreSettings> stores, String defaultStore, String documentsStore,
                        String locksStore) {

    ConfiguredStores {
        stores = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(stores, "stores")));
    }

    /** The settings of a named store, {@code null} when it is not configured. */
    @Nullable StoreSettings get(String name) {
        return stores.get(name);
    }
}
