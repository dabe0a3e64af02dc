package dev.es.engine.lock.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.es.engine.lock.AbstractLockProviderContractTest;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.store.blob.AzuriteExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class BlobLeaseLockProviderTest extends AbstractLockProviderContractTest<BlobLeaseLockProvider> {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Override
    protected BlobLeaseLockProvider createProvider(LockSettings settings) {
        return new BlobLeaseLockProvider(AZURITE.newContainer(), "locks", settings, Clock.systemUTC());
    }

    @Override
    protected BlobLeaseLockProvider secondProvider(BlobLeaseLockProvider first, LockSettings settings) {
        BlobContainerClient container = (first).container();
        // another client with its own HTTP connection pool, as a second process would have
        return new BlobLeaseLockProvider(AZURITE.newClient().getBlobContainerClient(container.getBlobContainerName()),
                "locks", settings, Clock.systemUTC());
    }

    @Override
    protected Duration shortLease() {
        return Duration.ofSeconds(15);
    }

    @Test
    void leasesOutsideTheServiceRangeAreRefused() {
        BlobContainerClient container = AZURITE.newContainer();
        assertThatThrownBy(() -> new BlobLeaseLockProvider(container, "locks",
                new LockSettings(Duration.ofSeconds(5), Duration.ofSeconds(1)), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 to 60");
        assertThatThrownBy(() -> new BlobLeaseLockProvider(container, "locks",
                new LockSettings(Duration.ofSeconds(90), Duration.ofSeconds(10)), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 to 60");
    }

    @Test
    void keysWithAnyCharactersMapToDistinctBlobs() {
        assertThat(BlobLeaseStorage.encode("migration/Order/42")).isEqualTo("migration~2FOrder~2F42");
        assertThat(BlobLeaseStorage.encode("a b")).isNotEqualTo(BlobLeaseStorage.encode("a_b"));
        assertThat(BlobLeaseStorage.encode("é".repeat(400))).startsWith("~h").hasSize(66);
        try (BlobLeaseLockProvider provider = new BlobLeaseLockProvider(AZURITE.newContainer())) {
            try (DistributedLock one = provider.acquire("migration/Order/42", Duration.ZERO);
                 DistributedLock two = provider.acquire("migration/Order/42 ünïcode/" + "x".repeat(450),
                         Duration.ZERO)) {
                assertThat(one.isValid()).isTrue();
                assertThat(two.isValid()).isTrue();
                assertThat(provider.isLocked("migration/Order/42")).isTrue();
            }
            assertThat(provider.isLocked("migration/Order/42")).isFalse();
        }
    }

    @Test
    void aFirstLockWhoseNewBlobWasLeasedByAnotherInBetweenTakesANewerToken() {
        String name = AzuriteExtension.newContainerName();
        AZURITE.client().createBlobContainer(name);
        BlobLeaseStorage other = new BlobLeaseStorage(AZURITE.newClient().getBlobContainerClient(name), "locks");
        long[] othersToken = {-1};
        AtomicBoolean created = new AtomicBoolean();
        // between this process's create of the lock blob and its lease, another process takes and releases the lock
        Runnable between = () -> {
            othersToken[0] = other.tryLease("k", "other", Duration.ofSeconds(15), 0).orElseThrow();
            other.releaseLease("k", "other", othersToken[0]);
        };
        HttpPipelinePolicy interleave = new HttpPipelinePolicy() {
            private boolean isCreate(HttpPipelineCallContext context) {
                return "*".equals(context.getHttpRequest().getHeaders().getValue(HttpHeaderName.IF_NONE_MATCH))
                        && context.getHttpRequest().getUrl().getPath().contains("/locks"); // the key after it is URL-encoded
            }

            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                return next.process().flatMap(response -> isCreate(context) && response.getStatusCode() == 201
                        && created.compareAndSet(false, true)
                        ? Mono.fromRunnable(between).subscribeOn(Schedulers.boundedElastic()).thenReturn(response)
                        : Mono.just(response));
            }
        };
        BlobLeaseStorage storage = new BlobLeaseStorage(new BlobServiceClientBuilder()
                .connectionString(AZURITE.connectionString()).addPolicy(interleave).buildClient()
                .getBlobContainerClient(name), "locks");

        long token = storage.tryLease("k", "me", Duration.ofSeconds(15), 0).orElseThrow();

        assertThat(created).isTrue();
        assertThat(othersToken[0]).isEqualTo(2); // it found the first token the create wrote
        assertThat(token).isGreaterThan(othersToken[0]);
        storage.releaseLease("k", "me", token);
        assertThat(storage.tryLease("k", "me", Duration.ofSeconds(15), 0)).hasValue(token + 1);
    }
}
