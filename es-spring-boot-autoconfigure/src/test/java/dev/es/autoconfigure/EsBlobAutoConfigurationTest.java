package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupFilter;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.backup.blob.BlobBackupStorage;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.tag.TagStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class EsBlobAutoConfigurationTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final String AZURE_GLOBAL =
            "com.azure.spring.cloud.autoconfigure.implementation.context.AzureGlobalPropertiesAutoConfiguration";
    private static final String AZURE_BLOB =
            "com.azure.spring.cloud.autoconfigure.implementation.storage.blob.AzureStorageBlobAutoConfiguration";

    /** The es auto-configurations alone: a BlobServiceClient must come from the application. */
    private final ApplicationContextRunner esOnly = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsBlobAutoConfiguration.class, EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                    EsMigrationAutoConfiguration.class));

    /** As in an application with spring-cloud-azure-starter: Spring Cloud Azure builds the client. */
    private final ApplicationContextRunner withAzure = esOnly
            .withConfiguration(AutoConfigurations.of(azure(AZURE_GLOBAL), azure(AZURE_BLOB)));

    /** With the backup service as well. */
    private final ApplicationContextRunner withBackups = withAzure
            .withConfiguration(AutoConfigurations.of(EsBackupAutoConfiguration.class));

    private static Class<?> azure(String className) {
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Spring Cloud Azure is not on the test class path", e);
        }
    }

    private static String connectionString() {
        return "spring.cloud.azure.storage.blob.connection-string=" + AZURITE.connectionString();
    }

    @Test
    void runWithBlobStoreShouldKeepStreamsDocumentsTagsAndLocksInItsContainer() {
        String container = AzuriteExtension.newContainerName();
        withAzure.withPropertyValues(connectionString(), "es.stores.main.type=blob",
                        "es.stores.main.container=" + container, "es.streams.chunk-size=7", "es.locks.provider=blob",
                        "es.locks.lease-duration=20s", "es.locks.heartbeat-interval=5s")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BlobServiceClient.class)
                            .hasSingleBean(BlobStoreBackend.class);
                    BlobEventStore store = (BlobEventStore) context.getBean(EventStoreRegistry.class).get("main");
                    assertThat(store.container().getBlobContainerName()).isEqualTo(container);
                    assertThat(store.chunkSize()).isEqualTo(7);
                    BlobDocumentStore documents = (BlobDocumentStore) context.getBean(DocumentStore.class);
                    assertThat(documents.container().getBlobContainerName()).isEqualTo(container);
                    assertThat(context.getBean(TagStore.class)).isInstanceOf(BlobTagStore.class);
                    assertThat(context.getBean(MigrationRoutingTable.class))
                            .isInstanceOf(BlobMigrationRoutingTable.class);
                    BlobLeaseLockProvider locks =
                            (BlobLeaseLockProvider) context.getBean(DistributedLockProvider.class);

                    BlobContainerClient blobs = AZURITE.client().getBlobContainerClient(container);
                    assertThat(blobs.exists()).as("provisioned container").isTrue();

                    EventStream order = context.getBean(EventStreams.class).open("Order", "1");
                    for (int i = 0; i < 10; i++) {
                        order.append(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
                    }
                    order.tag("vip");
                    assertThat(store.version("order-1")).isEqualTo(10);
                    assertThat(names(blobs, "events/main/order-1/")).hasSize(2); // chunks of 7: rolled over
                    assertThat(names(blobs, "documents/")).containsExactly("documents/Order/1.json");
                    assertThat(context.getBean(EventStreams.class).documentsWithTag("Order", "vip"))
                            .containsExactly("1");
                    assertThat(names(blobs, "tags/")).isNotEmpty();

                    try (DistributedLock lock = locks.acquire("migration/Order/1", Duration.ofSeconds(5))) {
                        assertThat(lock.isValid()).isTrue();
                        assertThat(locks.tryAcquire("migration/Order/1", Duration.ZERO)).isEmpty();
                        assertThat(names(blobs, "locks/")).hasSize(1);
                    }
                });
    }

    @Test
    void runWithSeveralStoresShouldPutDocumentsAndLocksInTheirOwnStoresContainers() {
        String streams = AzuriteExtension.newContainerName();
        String docs = AzuriteExtension.newContainerName();
        withAzure.withPropertyValues(connectionString(), "es.default-store=hot", "es.stores.hot.type=memory",
                        "es.stores.cold.type=blob", "es.stores.cold.container=" + streams,
                        "es.stores.docs.type=blob", "es.stores.docs.container=" + docs, "es.documents.store=docs",
                        "es.locks.provider=blob", "es.locks.store=cold")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EventStoreRegistry stores = context.getBean(EventStoreRegistry.class);
                    assertThat(stores.names()).containsExactly("hot", "cold", "docs");
                    assertThat(stores.get("hot")).isInstanceOf(InMemoryEventStore.class);
                    assertThat(((BlobEventStore) stores.get("cold")).container().getBlobContainerName())
                            .isEqualTo(streams);
                    assertThat(((BlobEventStore) stores.get("docs")).container().getBlobContainerName())
                            .isEqualTo(docs);
                    assertThat(((BlobDocumentStore) context.getBean(DocumentStore.class)).container()
                            .getBlobContainerName()).isEqualTo(docs);

                    context.getBean(EventStreams.class).open("Order", "2").append(EventData.of("OrderPlaced", "{}"));
                    assertThat(context.getBean(DocumentStore.class).get("Order", "2").orElseThrow().active())
                            .isEqualTo(new StreamPointer("order-2", "hot"));
                    assertThat(names(AZURITE.client().getBlobContainerClient(docs), "documents/"))
                            .containsExactly("documents/Order/2.json");
                    try (DistributedLock lock = context.getBean(DistributedLockProvider.class)
                            .acquire("k", Duration.ofSeconds(5))) {
                        assertThat(lock.isValid()).isTrue();
                        assertThat(names(AZURITE.client().getBlobContainerClient(streams), "locks/")).hasSize(1);
                        assertThat(names(AZURITE.client().getBlobContainerClient(docs), "locks/")).isEmpty();
                    }
                });
    }

    @Test
    void runWithApplicationBlobServiceClientShouldUseIt() {
        String container = AzuriteExtension.newContainerName();
        BlobServiceClient client = AZURITE.newClient();
        esOnly.withBean(BlobServiceClient.class, () -> client)
                .withPropertyValues("es.stores.main.type=blob", "es.stores.main.container=" + container)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BlobEventStore store = (BlobEventStore) context.getBean(EventStoreRegistry.class).get("main");
                    assertThat(store.chunkSize()).isEqualTo(BlobEventStore.DEFAULT_CHUNK_SIZE);
                    context.getBean(EventStreams.class).open("Order", "3").append(EventData.of("OrderPlaced", "{}"));
                    assertThat(names(client.getBlobContainerClient(container), "events/main/order-3/")).hasSize(1);
                });
    }

    @Test
    void runWithBlobStoreWithoutContainerShouldFailNamingTheProperty() {
        withAzure.withPropertyValues(connectionString(), "es.stores.main.type=blob")
                .run(context -> assertFailure(context, "es.stores.main.container"));
    }

    @Test
    void runWithBlobLocksStoreWithoutContainerShouldFailNamingTheProperty() {
        withAzure.withPropertyValues(connectionString(), "es.default-store=events", "es.stores.events.type=memory",
                        "es.stores.locks.type=blob", "es.locks.provider=blob", "es.locks.store=locks")
                .run(context -> assertFailure(context, "es.stores.locks.container"));
    }

    @Test
    void runWithInvalidContainerNameShouldFailNamingTheProperty() {
        withAzure.withPropertyValues(connectionString(), "es.stores.main.type=blob",
                        "es.stores.main.container=Not_Valid")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.stores.main.container");
                    assertThat(analysis.getDescription()).contains("Not_Valid");
                });
    }

    @Test
    void runWithoutAutoProvisionShouldRefuseAMissingContainerAndNotCreateIt() {
        String missing = AzuriteExtension.newContainerName();
        withAzure.withPropertyValues(connectionString(), "es.stores.main.type=blob",
                        "es.stores.main.container=" + missing, "es.stores.main.auto-provision=false")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.stores.main.container");
                    assertThat(analysis.getAction()).contains("es.stores.main.auto-provision=true");
                });
        assertThat(AZURITE.client().getBlobContainerClient(missing).exists()).isFalse();
    }

    @Test
    void runWithoutAutoProvisionShouldUseAnExistingContainer() {
        String existing = AZURITE.newContainer().getBlobContainerName();
        withAzure.withPropertyValues(connectionString(), "es.stores.main.type=blob",
                        "es.stores.main.container=" + existing, "es.stores.main.auto-provision=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(EventStreams.class).open("Order", "4").append(EventData.of("OrderPlaced", "{}"));
                    assertThat(context.getBean(EventStoreRegistry.class).get("main").version("order-4")).isEqualTo(1);
                });
    }

    @Test
    void runWithBlobLocksAndALeaseTheServiceCannotGrantShouldFailNamingTheProperty() {
        withAzure.withPropertyValues(connectionString(), "es.stores.main.type=blob",
                        "es.stores.main.container=" + AzuriteExtension.newContainerName(), "es.locks.provider=blob",
                        "es.locks.lease-duration=2m")
                .run(context -> assertFailure(context, "es.locks.lease-duration"));
    }

    @Test
    void runWithBlobLocksInAMemoryStoreShouldFailNamingTheLocksStore() {
        withAzure.withPropertyValues(connectionString(), "es.locks.provider=blob")
                .run(context -> assertFailure(context, "es.locks.store"));
    }

    @Test
    void runWithBlobStoreWithoutTheAzureLibraryShouldSayItNeedsABlobServiceClient() {
        esOnly.withClassLoader(new FilteredClassLoader(BlobServiceClient.class))
                .withPropertyValues("es.stores.main.type=blob", "es.stores.main.container=es-main")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.stores.main.type");
                    assertThat(analysis.getAction()).contains("needs a BlobServiceClient")
                            .contains("spring.cloud.azure.storage.blob.connection-string");
                });
    }

    @Test
    void runWithBlobStoreWithoutConnectionSettingsShouldSayItNeedsABlobServiceClient() {
        withAzure.withPropertyValues("es.stores.main.type=blob", "es.stores.main.container=es-main")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.stores.main.type");
                    assertThat(analysis.getAction()).contains("needs a BlobServiceClient");
                });
    }

    @Test
    void runWithBlobLocksWithoutClientShouldFailNamingTheProvider() {
        withAzure.withPropertyValues("es.locks.provider=blob")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.locks.provider");
                    assertThat(analysis.getAction()).contains("blob needs a BlobServiceClient");
                });
    }

    @Test
    void runWithMemoryStoresAndAClientShouldLeaveTheMemoryDefaults() {
        withAzure.withPropertyValues(connectionString())
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BlobStoreBackend.class);
                    assertThat(context.getBean(EventStoreRegistry.class).get("main"))
                            .isInstanceOf(InMemoryEventStore.class);
                    assertThat(context.getBean(DistributedLockProvider.class))
                            .isNotInstanceOf(BlobLeaseLockProvider.class);
                });
    }

    @Test
    void runWithBlobBackupProviderShouldKeepBackupsInItsProvisionedContainer() {
        String container = AzuriteExtension.newContainerName();
        withBackups.withPropertyValues(connectionString(), "es.backup.provider=blob",
                        "es.backup.container=" + container)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackupRestoreService backups = context.getBean(BackupRestoreService.class);
                    BlobBackupStorage storage = (BlobBackupStorage) backups.storages().get(0);
                    assertThat(storage.name()).isEqualTo("blob");
                    assertThat(storage.container().getBlobContainerName()).isEqualTo(container);
                    assertThat(AZURITE.client().getBlobContainerClient(container).exists()).as("provisioned").isTrue();
                    assertThat(storage.isReachable()).isTrue();

                    EventStream order = context.getBean(EventStreams.class).open("Order", "bk-1");
                    order.append(EventData.of("OrderPlaced", "{}"));
                    order.append(EventData.of("OrderShipped", "{}"));
                    BackupDescriptor backup = backups.backup("Order", "bk-1");

                    assertThat(backup.provider()).isEqualTo("blob");
                    assertThat(names(AZURITE.client().getBlobContainerClient(container),
                            "backups/" + backup.backupId() + "/")).isNotEmpty();
                    assertThat(backups.list(BackupFilter.all())).extracting(BackupDescriptor::backupId)
                            .containsExactly(backup.backupId());
                });
    }

    @Test
    void runWithBlobBackupProviderWithoutAutoProvisionShouldRefuseAMissingContainer() {
        String missing = AzuriteExtension.newContainerName();
        withBackups.withPropertyValues(connectionString(), "es.backup.provider=blob",
                        "es.backup.container=" + missing, "es.backup.auto-provision=false")
                .run(context -> {
                    FailureAnalysis analysis = assertFailure(context, "es.backup.container");
                    assertThat(analysis.getDescription()).contains(missing);
                    assertThat(analysis.getAction()).contains("es.backup.auto-provision=true");
                });
        assertThat(AZURITE.client().getBlobContainerClient(missing).exists()).isFalse();
    }

    @Test
    void runWithBlobBackupProviderAndAnInvalidContainerNameShouldFailNamingTheProperty() {
        withBackups.withPropertyValues(connectionString(), "es.backup.provider=blob",
                        "es.backup.container=Not_Valid")
                .run(context -> assertThat(assertFailure(context, "es.backup.container").getDescription())
                        .contains("Not_Valid"));
    }

    private static FailureAnalysis assertFailure(AssertableApplicationContext context, String property) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        assertThat(FailureReports.property(failure)).as("the property named by %s", failure).isEqualTo(property);
        FailureAnalysis analysis = FailureReports.analyze(failure);
        assertThat(analysis.getDescription()).contains(property);
        return analysis;
    }

    private static List<String> names(BlobContainerClient container, String prefix) {
        return container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream()
                .map(BlobItem::getName).toList();
    }
}
