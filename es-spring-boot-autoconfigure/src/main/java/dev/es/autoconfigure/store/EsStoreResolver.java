package dev.es.autoconfigure.store;

import dev.es.autoconfigure.EsConfigurationException;
import dev.es.autoconfigure.EsProperties;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Matches the configured stores with the available backends, failing at start-up on names or types that do not fit. */
public final class EsStoreResolver {

    private final EsProperties properties;
    private final Map<String, EsStoreBackend> backends;

    public EsStoreResolver(EsProperties properties, List<EsStoreBackend> backends) {
        this.properties = properties;
        this.backends = backends.stream().collect(Collectors.toMap(EsStoreBackend::type, Function.identity(),
                (a, b) -> a));
        validate();
    }

    private void validate() {
        Map<String, EsProperties.Store> stores = properties.effectiveStores();
        stores.forEach((name, config) -> backend(name, config));
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
        String configured = properties.getDocuments().getStore();
        return configured == null || configured.isBlank() ? properties.getDefaultStore() : configured;
    }

    /** The configuration of a named store. */
    public EsProperties.Store config(String name) {
        return properties.effectiveStores().get(name);
    }

    /** The backend of a configured store, or a start-up error naming the property. */
    public EsStoreBackend backend(String name, EsProperties.Store config) {
        String type = config.getType();
        EsStoreBackend backend = type == null ? null : backends.get(type);
        if (backend == null) {
            String property = "es.stores." + name + ".type";
            String hint = switch (String.valueOf(type)) {
                case "blob" -> "A blob store needs a BlobServiceClient: add com.azure.spring:spring-cloud-azure-starter"
                        + " and com.azure:azure-storage-blob, and set spring.cloud.azure.storage.blob.connection-string"
                        + " (or endpoint and a credential).";
                case "jdbc" -> "A jdbc store needs a DataSource: add spring-boot-starter-jdbc and a driver, and set"
                        + " spring.datasource.url.";
                default -> "Use one of " + backends.keySet() + ".";
            };
            String problem = backends.containsKey(type) || "blob".equals(type) || "jdbc".equals(type)
                    ? "store '" + name + "' has type '" + type + "', which is not available in this application"
                    : "store '" + name + "' has unknown type '" + type + "'";
            throw new EsConfigurationException(property, problem, hint);
        }
        return backend;
    }
}
