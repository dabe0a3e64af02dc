package dev.es.engine.migration.blob;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobStorageException;
import dev.es.engine.ErrorCategory;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.resilience.ResilienceSettings;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import dev.es.engine.store.blob.ThrottlingPolicy;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.support.Orders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * Transient faults on Azure Blob Storage (issue 15): Azurite behind a {@link ThrottlingPolicy} that answers
 * {@code 503 ServerBusy} (throttling) or {@code 403} (fatal) for the next requests of the event stores. Throttling is
 * retried with backoff and the migration completes with every event once; a 403 fails it at once with the cause.
 */
class BlobTransientFaultsTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private final ThrottlingPolicy throttle = new ThrottlingPolicy();
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        BlobServiceClient throttled = throttle.client(AZURITE);
        var meta = AZURITE.newContainer();
        streams = new EventStreams(EventStoreRegistry.of(
                new BlobEventStore(throttled.createBlobContainer(AzuriteExtension.newContainerName()), "main", 50),
                new BlobEventStore(throttled.createBlobContainer(AzuriteExtension.newContainerName()), "other", 50)),
                new BlobDocumentStore(meta), new BlobTagStore(meta), EventStreamSettings.defaults().withChunkSize(50),
                "main");
        migrations = new DefaultEventStreamMigrationService(streams, new BlobLeaseLockProvider(meta),
                new BlobMigrationRoutingTable(meta), MigrationDefaults.defaults(), MigrationListener.NONE,
                Clock.systemUTC());
        migrations.useResilience(StoreResilience.of(ResilienceSettings.defaults()
                .withRetry(5, Duration.ofMillis(10), Duration.ofMillis(100))));
    }

    @AfterEach
    void tearDown() {
        migrations.close();
    }

    @Test
    void throttlingIsRetriedAndTheMigrationCompletes() {
        String id = Orders.withNotes(streams, 120);
        List<String> before = Orders.eventIds(streams, id);
        throttle.fail(3, 503, "ServerBusy");
        AtomicBoolean first = new AtomicBoolean(true);

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        throttle.fail(4, 503, "ServerBusy"); // the copy's append and the reads after it
                    }
                }))
                .execute();

        assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(throttle.pending()).as("every fault was injected").isZero();
        assertThat(throttle.injected()).isEqualTo(7);
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("other");
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
    }

    @Test
    void aFatalStatusFailsTheMigrationAtOnceWithItsCause() {
        String id = Orders.withNotes(streams, 20);
        List<String> before = Orders.eventIds(streams, id);
        throttle.fail(3, 403, "AuthorizationFailure");

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(throttle.injected()).as("tried once, not retried").isEqualTo(1);
        BlobStorageException cause = cause(result.error(), BlobStorageException.class);
        assertThat(cause.getStatusCode()).isEqualTo(403);
        assertThat(ErrorCategory.of(cause)).isEqualTo(ErrorCategory.FAILURE);
        throttle.fail(0, 503, "ServerBusy");
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("main");
    }

    @Test
    void aThrottledAnswerIsClassifiedTransient() {
        BlobServiceClient throttled = throttle.client(AZURITE);
        throttle.fail(1, 503, "ServerBusy");
        try {
            throttled.getProperties();
            throw new AssertionError("the injected 503 did not reach the caller");
        } catch (BlobStorageException e) {
            assertThat(e.getStatusCode()).isEqualTo(503);
            assertThat(ErrorCategory.of(e)).isEqualTo(ErrorCategory.TRANSIENT);
            assertThat(ErrorCategory.of(new IllegalStateException("wrapped", e))).isEqualTo(ErrorCategory.TRANSIENT);
        }
        throttle.fail(1, 412, "ConditionNotMet");
        try {
            throttled.getProperties();
            throw new AssertionError("the injected 412 did not reach the caller");
        } catch (BlobStorageException e) {
            assertThat(ErrorCategory.of(e)).isEqualTo(ErrorCategory.CONFLICT);
        }
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + error);
    }
}
