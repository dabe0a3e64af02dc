package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.specialized.AppendBlobClient;
import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupRetention;
import dev.es.engine.backup.CorruptBackupException;
import dev.es.engine.backup.DefaultBackupRestoreService;
import dev.es.engine.backup.RestoreOptions;
import dev.es.engine.backup.blob.BlobBackupStorage;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.AbstractBadInputTest;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryTagStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on Azure Blob Storage (Azurite); garbage is uploaded straight into es's blobs: documents, chunks (a close
 * event with a garbled payload, and bytes that are no chunk at all), routing entries and backup parts. No large
 * upload ever succeeds: oversized events are refused before the service is asked.
 */
class BlobBadInputTest extends AbstractBadInputTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private BlobContainerClient eventContainer;
    private BlobContainerClient metaContainer;

    @Override
    protected EventStore createEventStore() {
        eventContainer = AZURITE.newContainer();
        return new BlobEventStore(eventContainer, "main");
    }

    @Override
    protected DocumentStore createDocumentStore() {
        metaContainer = AZURITE.newContainer();
        return new BlobDocumentStore(metaContainer);
    }

    @Override
    protected long storedItems() {
        return eventContainer.listBlobs().stream().count() + metaContainer.listBlobs().stream().count();
    }

    @Override
    protected List<Garbling> garblings() {
        return List.of(
                new Garbling("a document that is no JSON", () -> {
                    upload(metaContainer, documentBlob(), "{garbage");
                    return Garbled.corrupt(() -> documents.get(OBJECT, seededId()), OBJECT + "/" + seededId());
                }),
                new Garbling("the document of another object under this one's name", () -> {
                    ObjectDocument other = ObjectDocument.create(OBJECT, "other", new StreamPointer("order-other",
                            "main"));
                    upload(metaContainer, documentBlob(), new String(BlobDocumentStore.MAPPER.writeValueAsBytes(
                            other), StandardCharsets.UTF_8));
                    return Garbled.corrupt(() -> streams.open(OBJECT, seededId()), OBJECT + "/" + seededId());
                }),
                new Garbling("a close event with a garbled payload", () -> {
                    Instant now = Instant.now();
                    byte[] first = BatchCodec.record(List.of(BatchCodec.line(EventData.of("OrderPlaced", "{}"), now)),
                            1, false);
                    byte[] close = BatchCodec.record(List.of(BatchCodec.line(new EventData("close-m", CloseEvent.TYPE,
                            1, "{\"continuationStreamId\":\"s-2\",\"lastSourceVersion\":\"many\"}", Map.of()), now)),
                            2, true);
                    rewriteChunk(first, close);
                    return Garbled.corrupt(() -> events.append(seededStream(), ExpectedVersion.any(),
                            List.of(EventData.of("T", "{}"))), seededStream());
                }),
                new Garbling("a chunk that is no chunk", () -> {
                    rewriteChunk("garbage\nmore garbage\n~not,a,trailer\n".getBytes(StandardCharsets.UTF_8));
                    BlobEventStore fresh = new BlobEventStore(eventContainer, "main"); // nothing of the stream kept
                    return Garbled.corrupt(() -> fresh.read(seededStream(), 1, 10), seededStream());
                }),
                new Garbling("a routing entry that is no JSON", () -> {
                    BlobMigrationRoutingTable routing = new BlobMigrationRoutingTable(metaContainer);
                    String id = "m-" + UUID.randomUUID();
                    Instant now = Instant.now();
                    routing.save(new MigrationEntry(id, OBJECT, seededId(), new StreamPointer(seededStream(), "main"),
                            new StreamPointer(seededStream() + "-v2", "main"), MigrationPhase.CATCH_UP,
                            MigrationStatus.IN_PROGRESS, 0, 0, 1, now, now, null));
                    String name = metaContainer.listBlobs().stream().map(BlobItem::getName)
                            .filter(n -> n.endsWith(id + ".json")).findFirst().orElseThrow();
                    upload(metaContainer, name, "{\"migrationId\":");
                    return Garbled.corrupt(() -> routing.get(id), id);
                }),
                new Garbling("a backup part", () -> {
                    BlobBackupStorage storage = new BlobBackupStorage(metaContainer);
                    var service = new DefaultBackupRestoreService(EventStoreRegistry.of(events), documents,
                            new InMemoryTagStore(), List.of(storage), BackupRetention.keepAll());
                    BackupDescriptor backup = service.backup(OBJECT, seededId());
                    metaContainer.listBlobs().stream().map(BlobItem::getName)
                            .filter(n -> n.contains(backup.backupId()) && n.contains("stream"))
                            .forEach(n -> upload(metaContainer, n, "garbage, not a backup part"));
                    return new Garbled(() -> service.restore(backup.backupId(),
                            RestoreOptions.inPlace().toStream("restored")), backup.backupId(),
                            CorruptBackupException.class);
                }));
    }

    private String documentBlob() {
        return "documents/" + OBJECT + "/" + seededId() + ".json";
    }

    /** Replaces the seeded stream's only chunk by an append blob holding {@code blocks}. */
    private void rewriteChunk(byte[]... blocks) {
        String name = "events/main/" + seededStream() + "/0000000000";
        AppendBlobClient chunk = eventContainer.getBlobClient(name).getAppendBlobClient();
        chunk.delete();
        chunk.create();
        for (byte[] block : blocks) {
            chunk.appendBlock(new java.io.ByteArrayInputStream(block), block.length);
        }
    }

    private static void upload(BlobContainerClient container, String name, String content) {
        container.getBlobClient(name).upload(BinaryData.fromString(content), true);
    }
}
