package dev.es.engine.lock.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.lock.AbstractLockProviderContractTest;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.store.blob.AzuriteExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
}
