package dev.es.autoconfigure;

import com.azure.storage.blob.BlobServiceClient;
import dev.es.autoconfigure.store.BlobStoreBackend;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Stores of type {@code blob} and the {@code blob} lock provider, on the {@link BlobServiceClient} that Spring Cloud
 * Azure builds from {@code spring.cloud.azure.storage.blob.*} (or one the application defines). Without such a client
 * a {@code blob} store fails at start-up with a message saying how to get one.
 */
@AutoConfiguration(before = EsStoresAutoConfiguration.class,
        afterName = "com.azure.spring.cloud.autoconfigure.implementation.storage.blob.AzureStorageBlobAutoConfiguration")
@ConditionalOnBooleanProperty(name = "es.enabled", matchIfMissing = true)
@ConditionalOnClass(BlobServiceClient.class)
@ConditionalOnBean(BlobServiceClient.class)
public final class EsBlobAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BlobStoreBackend esBlobStoreBackend(BlobServiceClient blobServiceClient) {
        return new BlobStoreBackend(blobServiceClient);
    }
}
