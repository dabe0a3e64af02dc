package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.PostgresExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample with {@code --spring.profiles.active=postgres,azure}: orders start in PostgreSQL (in a schema of this
 * test's own) and {@code archive} is a container on a fresh Azurite; an order migrated across the two kinds of store
 * under writes keeps its whole history.
 */
class PostgresAzureProfileTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOrderMovesFromPostgresToAzureBlobStorage() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
                .profiles("postgres", "azure")
                .run("--server.port=0", "--spring.datasource.url=" + PostgresProfileTest.url(POSTGRES.db()),
                        "--spring.cloud.azure.storage.blob.connection-string=" + AZURITE.connectionString(),
                        "--es.backup.location=target/es-backups-postgres-azure-profile")) {
            EventStoreRegistry stores = app.getBean(EventStoreRegistry.class);
            assertThat(stores.get("main")).isInstanceOf(JdbcEventStore.class);
            assertThat(stores.get("archive")).isInstanceOf(BlobEventStore.class);

            StoreProfileScenario.createAndMigrateAcrossStores(SampleHttp.of(app), "cross-1");

            BlobContainerClient archive = AZURITE.client().getBlobContainerClient("es-sample-archive");
            assertThat(archive.listBlobs().stream().map(b -> b.getName()))
                    .as("the target stream's blobs").anyMatch(name -> name.contains("order-cross-1-v2"));
        }
    }
}
