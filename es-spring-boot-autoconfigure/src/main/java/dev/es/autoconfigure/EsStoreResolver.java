package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.StoreType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Matches the stores in effect with the available backends, failing at start-up on names or types that do not fit.
 * A type whose backend this application cannot make is reported with the hint its kind supplies
 * ({@link MissingBackend}); the resolver itself knows no kind of store.
 */
final class EsStoreResolver {

    private final ConfiguredStores stores;
    private final Map<StoreType, EsStoreBackend> backends = new EnumMap<>(StoreType.class);
    private final Map<StoreType, MissingBackend> missing = new EnumMap<>(StoreType.class);

    EsStoreResolver(ConfiguredStores stores, List<EsStoreBackend> backends, List<MissingBackend> missing) {
        this.stores = stores;
        backends.forEach(backend -> this.backends.putIfAbsent(backend.type(), backend));
        missing.forEach(hint -> this.missing.putIfAbsent(hint.storeType(), hint));
        validate();
    }

    private void validate() {
        stores.stores().values().forEach(this::backend);
        if (stores.get(stores.defaultStore()) == null) {
            throw new EsConfigurationException("es.default-store", "es.default-store names '"
                    + stores.defaultStore() + "', which is not configured under es.stores (configured: "
                    + stores.stores().keySet() + ")", "Set es.default-store to one of " + stores.stores().keySet()
                    + " or configure es.stores." + stores.defaultStore() + ".type.");
        }
        String documents = stores.documentsStore();
        if (stores.get(documents) == null) {
            throw new EsConfigurationException("es.documents.store", "es.documents.store names '" + documents
                    + "', which is not configured under es.stores (configured: " + stores.stores().keySet() + ")",
                    "Set es.documents.store to one of " + stores.stores().keySet() + ".");
        }
    }

    /** The stores in effect. */
    ConfiguredStores stores() {
        return stores;
    }

    /** The store holding documents, tags and migration entries. */
    StoreSettings documentsStore() {
        return stores.get(stores.documentsStore());
    }

    /**
     * The backend of a configured store, or a start-up error naming the property when its type is not available in
     * this application (an unknown type never gets here: binding {@code es.stores.<name>.type} refuses it).
     */
    EsStoreBackend backend(StoreSettings store) {
        StoreType type = store.type();
        EsStoreBackend backend = type == null ? null : backends.get(type);
        if (backend == null) {
            MissingBackend hint = type == null ? null : missing.get(type);
            throw new EsConfigurationException(store.property("type"), "store '" + store.name() + "' has type '"
                    + type + "', which is not available in this application", hint != null
                    ? "A " + type + " store " + hint.needs()
                    : "Use one of " + backends.keySet() + ".");
        }
        return backend;
    }
}
