package dev.es.engine.backup;

import static dev.es.engine.backup.BackupFixtures.history;
import static dev.es.engine.backup.BackupFixtures.objectWithTwoTerminatedStreams;
import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.backup.blob.BlobBackupStorage;
import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Backup, then restore into a fresh store, from every event store (memory, jdbc, blob) to every backup storage
 * (file, blob): identical events with contiguous versions, and a document with two terminated streams that
 * round-trips its whole history, merged into one stream and back in place.
 */
class BackupRoundTripTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final JdbcTables FRESH = new JdbcTables("fresh_");
    private static final JdbcTables EMPTY = new JdbcTables("empty_");

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension(JdbcTables.defaults(), FRESH, EMPTY);

    @TempDir
    Path directory;

    /** A store of {@code type} named {@code name}; {@code generation} picks fresh, empty storage for each. */
    private static EventStore store(String type, String name, int generation) {
        return switch (type) {
            case "memory" -> new InMemoryEventStore(name);
            case "jdbc" -> new JdbcEventStore(name, POSTGRES.connections(),
                    generation == 0 ? JdbcTables.defaults() : generation == 1 ? FRESH : EMPTY);
            case "blob" -> new BlobEventStore(AZURITE.newContainer(), name);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private BackupStorage storage(String provider) {
        return provider.equals("file") ? new FileBackupStorage(directory.resolve("backups"))
                : new BlobBackupStorage(AZURITE.newContainer());
    }

    @ParameterizedTest(name = "{0} store, {1} storage")
    @CsvSource({"memory, file", "memory, blob", "jdbc, file", "jdbc, blob", "blob, file", "blob, blob"})
    void backupThenRestoreIntoAFreshStoreGivesBackEveryEvent(String type, String provider) {
        EventStore main = store(type, "main", 0);
        EventStore fresh = store(type, "fresh", 1);
        InMemoryDocumentStore documents = new InMemoryDocumentStore();
        InMemoryTagStore tags = new InMemoryTagStore();
        EventStoreRegistry stores = EventStoreRegistry.of(main, fresh);
        EventStreams streams = new EventStreams(stores, documents, tags, EventStreamSettings.defaults(), "main");
        BackupStorage storage = storage(provider);
        BackupRestoreService service = new DefaultBackupRestoreService(stores, documents, tags, List.of(storage),
                BackupRetention.keepAll());
        String id = type + "-" + provider;
        ObjectDocument doc = objectWithTwoTerminatedStreams(streams, main, id);
        List<BackupFixtures.Kept> before = history(streams, "Order", id);
        assertThat(before).hasSize(7);

        BackupDescriptor backup = service.backup(doc, BackupOptions.defaults().withObjectDocument()
                .withProvider(storage.name()));
        assertThat(service.validate(backup.backupId()).isValid()).isTrue();

        // merged into one stream of the fresh store, the document re-pointed there
        RestoreResult merged = service.restore(backup.backupId(),
                RestoreOptions.inPlace().toStore("fresh").toStream("order-" + id + "-restored").repointingDocument());
        List<StoredEvent> restored = BackupFixtures.stream(fresh, "order-" + id + "-restored");
        assertThat(restored).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(restored.stream().map(BackupFixtures.Kept::of).toList()).isEqualTo(before);
        assertThat(merged.streams()).containsExactly(new StreamPointer("order-" + id + "-restored", "fresh"));
        assertThat(history(streams, "Order", id)).isEqualTo(before);

        // in place, into an empty world: the same streams, close events and all, and the same document
        EventStore empty = store(type, "main", 2);
        InMemoryDocumentStore emptyDocuments = new InMemoryDocumentStore();
        EventStoreRegistry emptyStores = EventStoreRegistry.of(empty);
        BackupRestoreService elsewhere = new DefaultBackupRestoreService(emptyStores, emptyDocuments,
                new InMemoryTagStore(), List.of(storage), BackupRetention.keepAll());
        elsewhere.restore(backup.backupId(), RestoreOptions.inPlace());
        for (BackupStream stream : backup.streams()) {
            assertThat(BackupFixtures.stream(empty, stream.streamId()))
                    .isEqualTo(BackupFixtures.stream(main, stream.streamId()));
        }
        EventStreams emptyStreams = new EventStreams(emptyStores, emptyDocuments, new InMemoryTagStore(),
                EventStreamSettings.defaults(), "main");
        assertThat(history(emptyStreams, "Order", id)).isEqualTo(before);
        ObjectDocument back = emptyDocuments.get("Order", id).orElseThrow();
        assertThat(back.active()).isEqualTo(doc.active());
        assertThat(back.terminatedStreams()).isEqualTo(doc.terminatedStreams());
        assertThat(back.tags()).isEqualTo(doc.tags());
    }
}
