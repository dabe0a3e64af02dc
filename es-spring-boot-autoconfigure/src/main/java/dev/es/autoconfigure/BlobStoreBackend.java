package dev.es.autoconfigure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.blob.BlobBackupStorage;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.blob.BlobContainers;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import dev.es.engine.store.blob.ContainerNotFoundException;
import dev.es.engine.store.blob.InvalidContainerNameException;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.tag.TagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Stores of type {@code blob} and the {@code blob} lock provider, in containers of the application's
 * {@link BlobServiceClient} (the one Spring Cloud Azure builds from {@code spring.cloud.azure.storage.blob.*}).
 * Each store's container ({@code es.stores.<name>.container}) is checked, and created when missing and
 * {@code es.stores.<name>.auto-provision} allows it, the first time the store is built; nothing is ever deleted. The
 * {@code blob} backup provider's container ({@code es.backup.container}) is prepared the same way
 * ({@code es.backup.auto-provision}).
 */
final class BlobStoreBackend implements EsStoreBackend, EsLockProviderBackend, EsBackupStorageBackend {

    /** What a blob store or the blob lock provider needs when the application has no {@code BlobServiceClient}. */
    static final String NEEDS = "needs a BlobServiceClient: add com.azure.spring:spring-cloud-azure-starter and"
            + " com.azure:azure-storage-blob, and set spring.cloud.azure.storage.blob.connection-string (or endpoint"
            + " and a credential).";

    private static final String LOCK_PREFIX = "locks";

    private final BlobServiceClient service;
    private final Map<String, BlobContainerClient> containers = new ConcurrentHashMap<>();

    BlobStoreBackend(BlobServiceClient service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public EsProperties.StoreType type() {
        return EsProperties.StoreType.BLOB;
    }

    @Override
    public EsProperties.LockProvider provider() {
        return EsProperties.LockProvider.BLOB;
    }

    @Override
    public EsProperties.BackupProvider backupProvider() {
        return EsProperties.BackupProvider.BLOB;
    }

    @Override
    public EventStore eventStore(StoreSettings store, EventStreamSettings settings) {
        if (settings.chunkSize() > BlobEventStore.MAX_CHUNK_SIZE) {
            throw new EsConfigurationException("es.streams.chunk-size", "es.streams.chunk-size is "
                    + settings.chunkSize() + ", more than a chunk of blob store '" + store.name() + "' can hold ("
                    + BlobEventStore.MAX_CHUNK_SIZE + " events)", "Set es.streams.chunk-size to "
                    + BlobEventStore.MAX_CHUNK_SIZE + " or less (default 1000).");
        }
        return new BlobEventStore(container(store), store.name(), settings.chunkSize());
    }

    @Override
    public DocumentStore documentStore(StoreSettings store) {
        return new BlobDocumentStore(container(store));
    }

    @Override
    public TagStore tagStore(StoreSettings store) {
        return new BlobTagStore(container(store));
    }

    @Override
    public MigrationRoutingTable routingTable(StoreSettings store) {
        return new BlobMigrationRoutingTable(container(store));
    }

    @Override
    public DistributedLockProvider lockProvider(StoreSettings store, LockSettings settings,
                                                ScheduledExecutorService heartbeats) {
        if (store.type() != EsProperties.StoreType.BLOB) {
            throw new EsConfigurationException("es.locks.store", "es.locks.provider is blob, but the locks store '"
                    + store.name() + "' has type '" + store.type() + "'", "Set es.locks.store to a store of"
                    + " type blob (the locks are kept in its container), or choose another es.locks.provider.");
        }
        Duration lease = settings.leaseDuration();
        if (lease.compareTo(BlobLeaseLockProvider.MIN_LEASE) < 0 || lease.compareTo(BlobLeaseLockProvider.MAX_LEASE) > 0
                || lease.toMillis() % 1000 != 0) {
            throw new EsConfigurationException("es.locks.lease-duration", "es.locks.lease-duration is " + lease
                    + ", but blob leases last 15 to 60 whole seconds", "Set es.locks.lease-duration to a whole"
                    + " number of seconds from 15s to 60s (default 60s).");
        }
        return new BlobLeaseLockProvider(container(store), LOCK_PREFIX, settings, Clock.systemUTC(), heartbeats);
    }

    /** Backups in their own container ({@code es.backup.container}, checked by {@code EsSettings.backup}). */
    @Override
    public BackupStorage backupStorage(BackupSettings settings) {
        String containerName = Objects.requireNonNull(settings.container(), "es.backup.container");
        return new BlobBackupStorage(prepare("of the backups", "es.backup.container", "es.backup.auto-provision",
                containerName, settings.autoProvision()));
    }

    /** The container of a store, checked and provisioned once. */
    private BlobContainerClient container(StoreSettings store) {
        String name = store.name();
        String property = store.property("container");
        String containerName = store.container();
        if (containerName == null || containerName.isBlank()) {
            throw new EsConfigurationException(property, "blob store '" + name + "' has no container (" + property
                    + " is not set)", "Set " + property + " to the name of the blob container holding this store,"
                    + " for example " + property + "=es-" + name.toLowerCase() + ".");
        }
        return containers.computeIfAbsent(name, key -> prepare("of store '" + name + "'", property,
                store.property("auto-provision"), containerName, store.autoProvision()));
    }

    /**
     * Checks a container and creates it when missing and allowed; start-up errors name {@code property} (the
     * container's) and {@code autoProvisionProperty}; {@code whose} ends the container's description.
     */
    private BlobContainerClient prepare(String whose, String property, String autoProvisionProperty,
                                        String containerName, boolean autoProvision) {
        try {
            return BlobContainers.prepare(service, containerName, autoProvision);
        } catch (InvalidContainerNameException e) {
            throw new InvalidConfigurationPropertyValueException(property, containerName, "not a valid container"
                    + " name (" + e.getMessage() + "); use 3 to 63 lowercase letters, digits and single hyphens,"
                    + " starting and ending with a letter or digit");
        } catch (ContainerNotFoundException e) {
            throw new EsConfigurationException(property, "blob container '" + containerName + "' " + whose
                    + " does not exist and " + autoProvisionProperty + " is false", "Create the container, or set "
                    + autoProvisionProperty + "=true to let es create it.");
        }
    }
}
