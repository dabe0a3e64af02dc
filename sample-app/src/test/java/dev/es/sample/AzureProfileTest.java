package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample with {@code --spring.profiles.active=azure} on a fresh Azurite: both stores are containers of the
 * account the connection string names, locks are blob leases, and an order moves from one container to the other.
 */
class AzureProfileTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOrderMovesFromOneContainerToTheOther() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
                .profiles("azure")
                .run("--server.port=0",
                        "--spring.cloud.azure.storage.blob.connection-string=" + AZURITE.connectionString(),
                        "--es.backup.location=target/es-backups-azure-profile")) {
            EventStoreRegistry stores = app.getBean(EventStoreRegistry.class);
            assertThat(((BlobEventStore) stores.get("main")).container().getBlobContainerName())
                    .isEqualTo("es-sample-main");
            assertThat(((BlobEventStore) stores.get("archive")).container().getBlobContainerName())
                    .isEqualTo("es-sample-archive");
            assertThat(app.getBean(DistributedLockProvider.class)).isInstanceOf(BlobLeaseLockProvider.class);

            StoreProfileScenario.createAndMigrateAcrossStores(SampleHttp.of(app), "blob-1");
        }
    }
}
