package dev.es.autoconfigure.store;

import dev.es.autoconfigure.EsConfigurationException;
import dev.es.autoconfigure.EsProperties;
import dev.es.autoconfigure.EsProperties.StoreType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches the configured stores with the available backends, failing at start-up on names or types that do not fit.
 * Also where the derived settings live (the stores in effect, the documents and locks stores), so that
 * {@link EsProperties} stays a plain binding.
 */
public final class EsStoreResolver {

    private final EsProperties properties;
    private final Map<String, EsProperties.Store> stores;
    private final Map<StoreType, EsStoreBackend> backends = new EnumMap<>(StoreType.class);

    public EsStoreResolver(EsProperties properties, List<EsStoreBackend> backends) {
        this.properties = properties;
        this.stores = effectiveStores(properties);
        backends.forEach(backend -> this.backends.putIfAbsent(backend.type(), backend));
        validate();
    }

    /** The configured stores, or one memory store named after the default store when none is configured. */
    public static Map<String, EsProperties.Store> effectiveStores(EsProperties properties) {
        if (!properties.getStores().isEmpty()) {
            return properties.getStores();
        }
        Map<String, EsProperties.Store> fallback = new LinkedHashMap<>();
        fallback.put(properties.getDefaultStore(), new EsProperties.Store());
        return fallback;
    }

    /** Name of the store holding documents, tags and migration entries: {@code es.documents.store} or the default. */
    public static String documentsStoreName(EsProperties properties) {
        String configured = properties.getDocuments().getStore();
        return configured == null || configured.isBlank() ? properties.getDefaultStore() : configured;
    }

    /** Name of the store whose container or database holds the locks: {@code es.locks.store} or the documents store. */
    public static String locksStoreName(EsProperties properties) {
        String configured = properties.getLocks().getStore();
        return configured == null || configured.isBlank() ? documentsStoreName(properties) : configured;
    }

    private void validate() {
        stores.forEach(this::backend);
        if (!stores.containsKey(properties.getDefaultStore())) {
            throw new EsConfigurationException("es.default-store", "es.default-store names '"
                    + properties.getDefaultStore() + "', which is not configured under es.stores (configured: "
                    + stores.keySet() + ")", "Set es.default-store to one of " + stores.keySet()
                    + " or configure es.stores." + properties.getDefaultStore() + ".type.");
        }
        String documents = documentsStoreName();
        if (!stores.containsKey(documents)) {
            throw new EsConfigurationException("es.documents.store", "es.documents.store names '" + documents
                    + "', which is not configured under es.stores (configured: " + stores.keySet() + ")",
                    "Set es.documents.store to one of " + stores.keySet() + ".");
        }
    }

    /** Name of the store holding documents, tags and migration entries. */
    public String documentsStoreName() {
        return documentsStoreName(properties);
    }

    /** The configuration of a named store, {@code null} when it is not configured. */
    public EsProperties.Store config(String name) {
        return stores.get(name);
    }

    /**
     * The backend of a configured store, or a start-up error naming the property when its type is not available in
     * this application (an unknown type never gets here: binding {@code es.stores.<name>.type} refuses it).
     */
    public EsStoreBackend backend(String name, EsProperties.Store config) {
        StoreType type = config.getType();
        EsStoreBackend backend = type == null ? null : backends.get(type);
        if (backend == null) {
            String property = "es.stores." + name + ".type";
            String hint = type == StoreType.BLOB
                    ? "A blob store needs a BlobServiceClient: add com.azure.spring:spring-cloud-azure-starter"
                    + " and com.azure:azure-storage-blob, and set spring.cloud.azure.storage.blob.connection-string"
                    + " (or endpoint and a credential)."
                    : type == StoreType.JDBC
                    ? "A jdbc store needs a DataSource: add spring-boot-starter-jdbc and a driver, and set"
                    + " spring.datasource.url."
                    : "Use one of " + backends.keySet() + ".";
            throw new EsConfigurationException(property, "store '" + name + "' has type '" + type
                    + "', which is not available in this application", hint);
        }
        return backend;
    }
}
