package dev.es.autoconfigure;

import com.azure.storage.blob.BlobServiceClient;
import dev.es.autoconfigure.EsProperties.LockProvider;
import dev.es.autoconfigure.EsProperties.StoreType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Stores of type {@code blob} and the {@code blob} lock provider, on the {@link BlobServiceClient} that Spring Cloud
 * Azure builds from {@code spring.cloud.azure.storage.blob.*} (or one the application defines). Without such a client
 * a {@code blob} store fails at start-up with a message saying how to get one.
 */
@AutoConfiguration(before = EsStoresAutoConfiguration.class,
        afterName = "com.azure.spring.cloud.autoconfigure.implementation.storage.blob.AzureStorageBlobAutoConfiguration")
@ConditionalOnEsEnabled
public final class EsBlobAutoConfiguration {

    private static final String BLOB_SERVICE_CLIENT = "com.azure.storage.blob.BlobServiceClient";

    /** What a blob store needs, for the start-up error, when the application has no client (or no Azure library). */
    @Bean
    @Conditional(NoBlobServiceClient.class)
    MissingBackend esBlobBackendMissing() {
        return new MissingBackend(StoreType.BLOB, LockProvider.BLOB, BlobStoreBackend.NEEDS);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(BlobServiceClient.class)
    @ConditionalOnBean(BlobServiceClient.class)
    static class BlobBackendConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BlobStoreBackend esBlobStoreBackend(BlobServiceClient blobServiceClient) {
            return new BlobStoreBackend(blobServiceClient);
        }
    }

    /** The opposite of {@link BlobBackendConfiguration}'s conditions: no Azure library, or no client bean. */
    static final class NoBlobServiceClient extends AnyNestedCondition {

        NoBlobServiceClient() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnMissingClass(BLOB_SERVICE_CLIENT)
        static final class NoLibrary {
        }

        @ConditionalOnMissingBean(type = BLOB_SERVICE_CLIENT)
        static final class NoClient {
        }
    }
}
