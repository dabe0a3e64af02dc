package dev.es.engine.migration.blob;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.blob.BlobLeaseLockProvider;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.AbstractMigrationDryRunTest;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationPlan;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.migration.MigrationTestStores;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobDocumentStore;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.blob.BlobMigrationRoutingTable;
import dev.es.engine.store.blob.BlobTagStore;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dry run on Azure Blob Storage (Azurite): two event stores in two containers, documents, tags, routing table and
 * lock leases in a third. What they keep is the listing of the three containers: every blob with its ETag, time,
 * length, metadata and lease state. Also the events too large for one blob append: reported by the dry run, and
 * copied in smaller appends by the migration.
 */
class BlobMigrationDryRunTest extends AbstractMigrationDryRunTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private final List<BlobContainerClient> containers = new ArrayList<>();

    @Override
    protected MigrationTestStores createStores() {
        BlobContainerClient main = AZURITE.newContainer();
        BlobContainerClient other = AZURITE.newContainer();
        BlobContainerClient meta = AZURITE.newContainer();
        containers.addAll(List.of(main, other, meta));
        return new MigrationTestStores(new BlobEventStore(main, "main", CHUNK), new BlobEventStore(other, "other", CHUNK),
                new BlobDocumentStore(meta), new BlobTagStore(meta), new BlobLeaseLockProvider(meta),
                new BlobMigrationRoutingTable(meta));
    }

    @Override
    protected Object storedState() {
        List<String> blobs = new ArrayList<>();
        ListBlobsOptions options = new ListBlobsOptions()
                .setDetails(new BlobListDetails().setRetrieveMetadata(true).setRetrieveUncommittedBlobs(true));
        for (BlobContainerClient container : containers) {
            for (BlobItem blob : container.listBlobs(options, null)) {
                blobs.add(container.getBlobContainerName() + "/" + blob.getName() + " etag="
                        + blob.getProperties().getETag() + " modified=" + blob.getProperties().getLastModified()
                        + " length=" + blob.getProperties().getContentLength() + " lease="
                        + blob.getProperties().getLeaseState() + " metadata=" + blob.getMetadata());
            }
        }
        assertThat(blobs).isNotEmpty();
        return blobs;
    }

    /** A memory source and a blob target, with pages of 50 events. */
    private DefaultEventStreamMigrationService toBlob(InMemoryEventStore source, BlobEventStore target,
                                                      EventStreams[] streams) {
        streams[0] = new EventStreams(EventStoreRegistry.of(source, target), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults().withChunkSize(50), "main");
        return new DefaultEventStreamMigrationService(streams[0], new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable(), new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    private static EventData noteOf(int bytes) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + "x".repeat(bytes) + "\"}", null);
    }

    @Test
    void anEventTooLargeForOneBlobAppendIsReported() {
        EventStreams[] streams = new EventStreams[1];
        BlobEventStore target = new BlobEventStore(AZURITE.newContainer(), "other", 50);
        try (DefaultEventStreamMigrationService service = toBlob(new InMemoryEventStore("main"), target, streams)) {
            String id = newId();
            streams[0].open("Order", id).append(ExpectedVersion.noStream(),
                    List.of(noteOf(10), noteOf(BlobEventStore.MAX_APPEND_BYTES), noteOf(10)));
            MigrationPlan plan = service.forDocument("Order", id).withTargetStore("other").dryRun();
            assertThat(plan.targetState().maxEventBytes()).isEqualTo(BlobEventStore.MAX_APPEND_BYTES);
            assertThat(plan.targetState().eventsTooLarge()).isEqualTo(1);
            assertThat(plan.targetState().tooLarge()).singleElement().satisfies(e -> {
                assertThat(e.sourceVersion()).isEqualTo(2);
                assertThat(e.bytes()).isGreaterThan(BlobEventStore.MAX_APPEND_BYTES);
            });
            assertThat(plan.targetState().largestEventBytes()).isEqualTo(plan.targetState().tooLarge().get(0).bytes());
            assertThat(plan.warnings()).singleElement().asString().contains("too large for target store 'other'");

            MigrationResult result = service.forDocument("Order", id).withTargetStore("other").execute();
            assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
            assertThat(result.error()).hasMessageContaining("too large for one append");
            assertThat(streams[0].stores().get("main").closeEvent("order-" + id)).isNull();
        }
    }

    @Test
    void aPageTooLargeForOneBlobAppendIsCopiedInSmallerAppends() {
        EventStreams[] streams = new EventStreams[1];
        BlobEventStore target = new BlobEventStore(AZURITE.newContainer(), "other", 50);
        try (DefaultEventStreamMigrationService service = toBlob(new InMemoryEventStore("main"), target, streams)) {
            String id = newId();
            // 60 events of 100 kB: a page of 50 is 5 MB, more than one 4 MiB append
            streams[0].open("Order", id).append(ExpectedVersion.noStream(),
                    IntStream.range(0, 60).mapToObj(i -> noteOf(100_000)).toList());
            MigrationPlan plan = service.forDocument("Order", id).withTargetStore("other").dryRun();
            assertThat(plan.targetState().eventsTooLarge()).isZero();
            MigrationResult result = service.forDocument("Order", id).withTargetStore("other").execute();
            assertThat(result.status()).as("%s", result).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(target.read("order-" + id + "-v2", 1, 100)).extracting(StoredEvent::eventId)
                    .containsExactlyElementsOf(streams[0].stores().get("main").read("order-" + id, 1, 60).stream()
                            .map(StoredEvent::eventId).toList());
        }
    }
}
