package dev.es.engine.backup;

import static dev.es.engine.backup.BackupFixtures.events;
import static dev.es.engine.backup.BackupFixtures.history;
import static dev.es.engine.backup.BackupFixtures.objectWithTwoTerminatedStreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.backup.BackupProblem.Kind;
import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.store.UnknownStoreException;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup service on the memory store and the file storage: every behaviour but the stores' own. */
class BackupRestoreServiceTest {

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final FaultInjectingEventStore other = new FaultInjectingEventStore(new InMemoryEventStore("other"));
    private final SwitchableDocumentStore documents = new SwitchableDocumentStore(new InMemoryDocumentStore());
    private final InMemoryTagStore tags = new InMemoryTagStore();
    private final EventStoreRegistry stores = EventStoreRegistry.of(main, other);
    private final EventStreams streams = new EventStreams(stores, documents, tags, EventStreamSettings.defaults(),
            "main");
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private ExecutorService executor;
    private FileBackupStorage storage;
    private DefaultBackupRestoreService service;

    @BeforeEach
    void setUp() {
        executor = Executors.newFixedThreadPool(8);
        storage = new FileBackupStorage(directory.resolve("backups"));
        service = service(BackupRetention.keepAll());
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private DefaultBackupRestoreService service(BackupRetention retention) {
        return new DefaultBackupRestoreService(stores, documents, tags, List.of(storage), retention, executor,
                new BackupListener() {
                    @Override
                    public void backedUp(BackupDescriptor backup, Duration duration) {
                        heard.add("backup " + backup.eventCount());
                    }

                    @Override
                    public void restored(RestoreResult result) {
                        heard.add("restore " + result.eventCount());
                    }

                    @Override
                    public void failed(String operation, Throwable error) {
                        heard.add("failed " + operation);
                    }
                }, clock);
    }

    // ------------------------------------------------------------------------------------------ backup

    /**
     * A manifest keeps what book closing recorded of a terminated stream (issue 13): its archive, its deletion. A
     * stream whose events book closing deleted is not backed up: its history lives in its continuation.
     */
    @Test
    void aBackupKeepsTheArchiveAndDeletionOfATerminatedStream() {
        ObjectDocument doc = objectWithTwoTerminatedStreams(streams, main, "bc");
        TerminatedStream first = doc.terminatedStreams().get(0);
        TerminatedStream second = doc.terminatedStreams().get(1);
        doc = documents.update(doc.withTerminatedStream(first.withArchive(new StreamPointer("order-bc", "other"))
                .withDeletedAt(clock.instant())).withTerminatedStream(second.withArchive(
                        new StreamPointer("order-bc-b", "other"))));
        BackupDescriptor backup = service.backup(doc, BackupOptions.defaults().withObjectDocument());

        BackupDescriptor read = service.get(backup.backupId()).orElseThrow();
        assertThat(read.document()).isEqualTo(doc);
        assertThat(read.streams()).extracting(BackupStream::streamId).containsExactly("order-bc-b", "order-bc-c");
        assertThat(read.streams().get(0).terminated()).isEqualTo(doc.terminatedStreams().get(1));
    }

    @Test
    void aBackupDescribesWhatItHolds() {
        ObjectDocument doc = objectWithTwoTerminatedStreams(streams, main, "1");
        BackupDescriptor backup = service.backup(doc, BackupOptions.defaults().withObjectDocument());

        assertThat(backup.backupId()).startsWith("20261124T100000000Z-");
        assertThat(backup.provider()).isEqualTo("file");
        assertThat(backup.createdAt()).isEqualTo(clock.instant());
        assertThat(backup.formatVersion()).isEqualTo(1);
        assertThat(backup.streams()).extracting(BackupStream::streamId)
                .containsExactly("order-1", "order-1-b", "order-1-c");
        // the terminated streams keep their close event, so that an in-place restore gives them back as they were
        assertThat(backup.streams()).extracting(BackupStream::eventCount).containsExactly(4L, 3L, 2L);
        assertThat(backup.streams()).extracting(BackupStream::lastVersion).containsExactly(4L, 3L, 2L);
        assertThat(backup.streams().get(0).terminated()).isEqualTo(doc.terminatedStreams().get(0));
        assertThat(backup.streams().get(2).active()).isTrue();
        assertThat(backup.eventCount()).isEqualTo(9);
        assertThat(backup.byteSize()).isEqualTo(backup.streams().stream().mapToLong(BackupStream::byteSize).sum());
        assertThat(backup.sha256()).hasSize(64);
        assertThat(backup.document()).isEqualTo(doc);
        assertThat(backup.tags()).containsEntry("vip", "gold");
        assertThat(service.get(backup.backupId())).contains(backup);
        assertThat(service.validate(backup.backupId()).isValid()).isTrue();
        assertThat(heard).containsExactly("backup 9");
    }

    @Test
    void theEventsAreGzipCompressedJsonLinesWithTheirVersions() throws IOException {
        streams.open("Order", "2").append(ExpectedVersion.noStream(), events("x", 3));
        BackupDescriptor backup = service.backup("Order", "2");
        Path part = storage.root().resolve(backup.backupId()).resolve("stream-0.jsonl.gz");
        String lines;
        try (var in = new GZIPInputStream(Files.newInputStream(part))) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(lines.split("\n")).hasSize(3);
        assertThat(lines).startsWith("{\"v\":1,\"id\":\"x-0\",\"type\":\"OrderLine\",\"sv\":1,");
        assertThat(Files.readString(storage.root().resolve(backup.backupId()).resolve("manifest.json")))
                .contains("\"format\" : \"es-backup\"", "\"formatVersion\" : 1");

        BackupDescriptor plain = service.backup("Order", "2", BackupOptions.defaults().withCompression(false));
        assertThat(Files.readString(storage.root().resolve(plain.backupId()).resolve("stream-0.jsonl")))
                .isEqualTo(lines);
    }

    @Test
    void theActiveStreamIsBackedUpAsFarAsItWentWhenTheBackupBegan() {
        var stream = streams.open("Order", "3");
        stream.append(ExpectedVersion.noStream(), events("a", 5));
        BackupDescriptor backup = service.backup("Order", "3");
        stream.append(events("late", 1).get(0));
        assertThat(backup.eventCount()).isEqualTo(5);
        assertThat(service.validate(backup.backupId()).isValid()).isTrue();
    }

    @Test
    void historyCopiedIntoAContinuationIsNotBackedUpTwiceAndActiveOnlyLeavesHistoryOut() {
        var stream = streams.open("Order", "4");
        stream.append(ExpectedVersion.noStream(), events("a", 3));
        // a migration copied order-4 into other/order-4-v2 and cut over
        List<StoredEvent> source = BackupFixtures.stream(main, "order-4");
        other.append("order-4-v2", ExpectedVersion.noStream(), source.stream().map(StoredEvent::toEventData).toList());
        CloseEvent close = new CloseEvent("order-4-v2", "other", "migration", "m-1", 3, 3, Instant.now());
        main.append("order-4", ExpectedVersion.exactly(3), List.of(close.toEventData()));
        ObjectDocument doc = documents.get("Order", "4").orElseThrow();
        documents.update(doc.cutOver(new StreamPointer("order-4-v2", "other"), new TerminatedStream("order-4",
                "main", "migration", "order-4-v2", "other", 3, close.closedAt())));

        BackupDescriptor backup = service.backup("Order", "4");
        assertThat(backup.streams()).extracting(BackupStream::pointer)
                .containsExactly(new StreamPointer("order-4-v2", "other"));

        ObjectDocument rolled = objectWithTwoTerminatedStreams(streams, main, "5");
        BackupDescriptor activeOnly = service.backup(rolled, BackupOptions.defaults().withActiveStreamOnly());
        assertThat(activeOnly.streams()).extracting(BackupStream::streamId).containsExactly("order-5-c");
        // a terminated stream that is gone (deleted when the books were closed) has nothing to back up
        main.delete("order-5");
        assertThat(service.backup(rolled, BackupOptions.defaults()).streams()).extracting(BackupStream::streamId)
                .containsExactly("order-5-b", "order-5-c");
    }

    @Test
    void aCutoverThatHasNotReachedTheDocumentIsFollowed() {
        streams.open("Order", "6").append(ExpectedVersion.noStream(), events("a", 2));
        other.append("order-6-v2", ExpectedVersion.noStream(),
                BackupFixtures.stream(main, "order-6").stream().map(StoredEvent::toEventData).toList());
        main.append("order-6", ExpectedVersion.exactly(2), List.of(new CloseEvent("order-6-v2", "other",
                "migration", "m-2", 2, 2, Instant.now()).toEventData()));
        other.append("order-6-v2", ExpectedVersion.exactly(2), events("after", 1));

        BackupDescriptor backup = service.backup("Order", "6");
        assertThat(backup.streams()).extracting(BackupStream::pointer)
                .containsExactly(new StreamPointer("order-6-v2", "other"));
        assertThat(backup.eventCount()).isEqualTo(3);
    }

    @Test
    void badRequestsAreTypedErrorsAndLeaveNothingBehind() throws IOException {
        assertThatThrownBy(() -> service.backup("Order", "missing"))
                .isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("Order/missing");
        streams.open("Order", "7").append(events("a", 1).get(0));
        assertThatThrownBy(() -> service.backup("Order", "7", BackupOptions.defaults().withProvider("s3")))
                .isInstanceOf(UnknownBackupStorageException.class).hasMessageContaining("'s3'")
                .hasMessageContaining("[file]");
        assertThatThrownBy(() -> service.backupAll(BackupSelection.objectName("Order"),
                BulkBackupOptions.defaults().backup(BackupOptions.defaults().withProvider("s3"))))
                .isInstanceOf(UnknownBackupStorageException.class).hasMessageContaining("'s3'");
        assertThatThrownBy(() -> service.list(BackupFilter.all().provider("s3")))
                .isInstanceOf(UnknownBackupStorageException.class).hasMessageContaining("'s3'");
        assertThat(service.list(BackupFilter.all())).isEmpty();
        assertThatThrownBy(() -> service.restore("../etc", RestoreOptions.inPlace()))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("backupId");
        assertThatThrownBy(() -> service.restore("20260101T000000000Z-abc", RestoreOptions.inPlace()))
                .isInstanceOf(BackupNotFoundException.class).hasMessageContaining("20260101T000000000Z-abc");
        assertThat(service.get("20260101T000000000Z-abc")).isEmpty();

        // a stream in a store that is gone: the backup fails and leaves no part behind
        ObjectDocument doc = documents.get("Order", "7").orElseThrow();
        documents.update(new ObjectDocument("Order", "7", new StreamPointer("order-7", "gone"), List.of(), null,
                doc.etag()));
        assertThatThrownBy(() -> service.backup("Order", "7")).isInstanceOf(UnknownStoreException.class);
        try (var ids = storage.backupIds()) {
            assertThat(ids).isEmpty();
        }
        // the refused requests and the failed write: one each
        assertThat(heard.stream().filter(h -> h.endsWith("backup")))
                .containsExactly("failed backup", "failed backup", "failed backup");
    }

    // ------------------------------------------------------------------------------------------ restore

    @Test
    void anInPlaceRestoreGivesBackEveryStreamAndTheDocumentAsTheyWere() {
        ObjectDocument doc = objectWithTwoTerminatedStreams(streams, main, "10");
        List<BackupFixtures.Kept> before = history(streams, "Order", "10");
        List<StoredEvent> firstStream = BackupFixtures.stream(main, "order-10");
        BackupDescriptor backup = service.backup(doc, BackupOptions.defaults().withObjectDocument());
        // the object is lost
        for (BackupStream s : backup.streams()) {
            main.delete(s.streamId());
        }
        documents.delete("Order", "10", documents.get("Order", "10").orElseThrow().etag());
        tags.untagDocument("Order", "10", "vip");

        RestoreResult result = service.restore(backup.backupId(), RestoreOptions.inPlace());

        assertThat(result.document()).isEqualTo(RestoreResult.DocumentChange.CREATED);
        assertThat(result.eventCount()).isEqualTo(9);
        assertThat(result.streams()).extracting(StreamPointer::streamId)
                .containsExactly("order-10", "order-10-b", "order-10-c");
        assertThat(history(streams, "Order", "10")).isEqualTo(before);
        assertThat(BackupFixtures.stream(main, "order-10")).isEqualTo(firstStream);
        ObjectDocument restored = documents.get("Order", "10").orElseThrow();
        assertThat(restored.active()).isEqualTo(doc.active());
        assertThat(restored.terminatedStreams()).isEqualTo(doc.terminatedStreams());
        assertThat(restored.tags()).isEqualTo(doc.tags());
        assertThat(tags.documentsWithTag("Order", "vip")).contains("10");
        // writers carry on where the backup ended
        streams.open("Order", "10").append(ExpectedVersion.exactly(2), events("new", 1));
        assertThat(heard).contains("restore 9");
    }

    @Test
    void anInPlaceRestoreOverEventsIsRefusedAndWritesNothing() {
        objectWithTwoTerminatedStreams(streams, main, "11");
        BackupDescriptor backup = service.backup("Order", "11");
        main.delete("order-11"); // one stream lost, the others still hold events

        assertThatThrownBy(() -> service.restore(backup.backupId(), RestoreOptions.inPlace()))
                .isInstanceOfSatisfying(RestoreConflictException.class, e -> {
                    assertThat(e.backupId()).isEqualTo(backup.backupId());
                    assertThat(e).hasMessageContaining("order-11-b").hasMessageContaining("holds 3 events")
                            .hasMessageContaining("toStream");
                });
        assertThat(main.version("order-11")).isZero();
    }

    @Test
    void aRestoreIntoANewStreamHoldsTheWholeHistoryWithContiguousVersionsAndCanRepointTheDocument() {
        objectWithTwoTerminatedStreams(streams, main, "12");
        List<BackupFixtures.Kept> before = history(streams, "Order", "12");
        BackupDescriptor backup = service.backup("Order", "12");

        RestoreResult result = service.restore(backup.backupId(),
                RestoreOptions.inPlace().toStream("order-12-restored").toStore("other").repointingDocument());

        assertThat(result.streams()).containsExactly(new StreamPointer("order-12-restored", "other"));
        assertThat(result.eventCount()).isEqualTo(7); // the two close events are left out
        assertThat(result.document()).isEqualTo(RestoreResult.DocumentChange.REPOINTED);
        List<StoredEvent> restored = BackupFixtures.stream(other, "order-12-restored");
        assertThat(restored).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(restored.stream().map(BackupFixtures.Kept::of).toList()).isEqualTo(before);
        ObjectDocument doc = documents.get("Order", "12").orElseThrow();
        assertThat(doc.active()).isEqualTo(new StreamPointer("order-12-restored", "other"));
        assertThat(doc.terminatedStreams()).isEmpty();
        assertThat(doc.tags()).containsEntry("vip", "gold");
        assertThat(history(streams, "Order", "12")).isEqualTo(before);

        // without re-pointing, the document stays where it was
        RestoreResult aside = service.restore(backup.backupId(), RestoreOptions.inPlace().toStream("order-12-copy"));
        assertThat(aside.document()).isEqualTo(RestoreResult.DocumentChange.UNCHANGED);
        assertThat(documents.get("Order", "12").orElseThrow().active().streamId()).isEqualTo("order-12-restored");
        assertThat(main.version("order-12-copy")).isEqualTo(7);
    }

    @Test
    void aDocumentThatChangesDuringTheRestoreIsAConflictAndNothingStaysWritten() {
        streams.open("Order", "13").append(ExpectedVersion.noStream(), events("a", 4));
        BackupDescriptor backup = service.backup("Order", "13");
        documents.beforeUpdate(() -> {
            // another process re-tags the document between the restore's read and its compare-and-set
            ObjectDocument current = documents.delegate.get("Order", "13").orElseThrow();
            documents.delegate.update(current.withTag("moved", "yes"));
        });

        assertThatThrownBy(() -> service.restore(backup.backupId(),
                RestoreOptions.inPlace().toStream("order-13-r").repointingDocument()))
                .isInstanceOfSatisfying(RestoreConflictException.class, e -> {
                    assertThat(e).hasMessageContaining("Order/13").hasMessageContaining("changed");
                    assertThat(e.getCause()).isInstanceOf(DocumentConcurrencyException.class);
                });
        assertThat(main.version("order-13-r")).isZero();
        assertThat(documents.get("Order", "13").orElseThrow().active().streamId()).isEqualTo("order-13");
    }

    @Test
    void aStoreFailureMidwayUndoesWhatTheRestoreWrote() {
        streams.open("Order", "14").append(ExpectedVersion.noStream(), events("a", 1200)); // three batches
        BackupDescriptor backup = service.backup("Order", "14");
        other.crashOn(2, batch -> true, FaultInjectingEventStore.When.BEFORE_WRITE);

        assertThatThrownBy(() -> service.restore(backup.backupId(),
                RestoreOptions.inPlace().toStore("other").toStream("order-14-r")))
                .isNotInstanceOf(CorruptBackupException.class);
        assertThat(other.version("order-14-r")).isZero();
        assertThat(heard).contains("failed restore");
        other.heal();
        assertThat(service.restore(backup.backupId(), RestoreOptions.inPlace().toStore("other")
                .toStream("order-14-r")).eventCount()).isEqualTo(1200);
    }

    // ------------------------------------------------------------------------------------------ damage

    private BackupDescriptor damageable(String id) {
        streams.open("Order", id).append(ExpectedVersion.noStream(), events(id, 50));
        BackupDescriptor backup = service.backup("Order", id);
        main.delete("order-" + id); // lost: the restore would go back in place
        documents.delete("Order", id, documents.get("Order", id).orElseThrow().etag());
        return backup;
    }

    private Path part(BackupDescriptor backup, String name) {
        return storage.root().resolve(backup.backupId()).resolve(name);
    }

    private void assertRefused(BackupDescriptor backup, Kind kind) {
        BackupValidation validation = service.validate(backup.backupId());
        assertThat(validation.isValid()).isFalse();
        assertThat(validation.problems()).extracting(BackupProblem::kind).contains(kind);
        assertThatThrownBy(() -> service.restore(backup.backupId(), RestoreOptions.inPlace()))
                .isInstanceOfSatisfying(CorruptBackupException.class, e -> {
                    assertThat(e.backupId()).isEqualTo(backup.backupId());
                    assertThat(e.problems()).extracting(BackupProblem::kind).contains(kind);
                    assertThat(e).hasMessageContaining(backup.backupId()).hasMessageContaining(kind.name());
                });
        assertThat(main.version("order-" + backup.objectId())).isZero();
        assertThat(documents.get("Order", backup.objectId())).isEmpty();
    }

    @Test
    void aFlippedByteIsRefused() throws IOException {
        BackupDescriptor backup = damageable("20");
        Path part = part(backup, "stream-0.jsonl.gz");
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(part, bytes);
        assertRefused(backup, Kind.CHECKSUM_MISMATCH);
    }

    @Test
    void aFlippedByteInAnUncompressedPayloadIsRefused() throws IOException {
        streams.open("Order", "21").append(ExpectedVersion.noStream(), events("21", 5));
        BackupDescriptor backup = service.backup("Order", "21", BackupOptions.defaults().withCompression(false));
        main.delete("order-21");
        documents.delete("Order", "21", documents.get("Order", "21").orElseThrow().etag());
        Path part = part(backup, "stream-0.jsonl");
        Files.writeString(part, Files.readString(part).replace("\"n\":3", "\"n\":4"));
        assertRefused(backup, Kind.CHECKSUM_MISMATCH);
    }

    @Test
    void aTruncatedPartIsRefused() throws IOException {
        BackupDescriptor backup = damageable("22");
        Path part = part(backup, "stream-0.jsonl.gz");
        byte[] bytes = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length - 40));
        assertRefused(backup, Kind.SIZE_MISMATCH);
        assertThat(service.validate(backup.backupId()).problems()).extracting(BackupProblem::kind)
                .contains(Kind.CONTENT_UNREADABLE, Kind.CHECKSUM_MISMATCH);
    }

    @Test
    void aManifestWhoseCountDoesNotMatchIsRefused() throws IOException {
        BackupDescriptor backup = damageable("23");
        editManifest(backup, "\"eventCount\" : 50,\n    \"byteSize\"", "\"eventCount\" : 49,\n    \"byteSize\"");
        assertRefused(backup, Kind.COUNT_MISMATCH);
    }

    @Test
    void aManifestWhoseChecksumDoesNotMatchIsRefused() throws IOException {
        BackupDescriptor backup = damageable("24");
        editManifest(backup, backup.sha256(), "0".repeat(64));
        assertRefused(backup, Kind.CHECKSUM_MISMATCH);
    }

    @Test
    void aMissingPartIsRefused() throws IOException {
        BackupDescriptor backup = damageable("25");
        Files.delete(part(backup, "stream-0.jsonl.gz"));
        assertRefused(backup, Kind.PART_MISSING);
    }

    @Test
    void anUnknownFormatVersionIsRefused() throws IOException {
        BackupDescriptor backup = damageable("26");
        editManifest(backup, "\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertRefused(backup, Kind.UNKNOWN_FORMAT_VERSION);
        assertThat(service.validate(backup.backupId()).problems().get(0).detail()).contains("format version 2");
    }

    @Test
    void aMissingManifestIsRefused() throws IOException {
        BackupDescriptor backup = damageable("27");
        Files.delete(part(backup, "manifest.json"));
        assertRefused(backup, Kind.MANIFEST_MISSING);
        assertThat(service.list(BackupFilter.all())).isEmpty();
    }

    @Test
    void anUnreadableManifestIsRefused() throws IOException {
        BackupDescriptor backup = damageable("28");
        Files.writeString(part(backup, "manifest.json"), "{\"format\":\"es-backup\",\"formatVersion\":1,");
        assertRefused(backup, Kind.MANIFEST_UNREADABLE);
    }

    @Test
    void eventsOutOfOrderAreRefused() throws IOException {
        streams.open("Order", "29").append(ExpectedVersion.noStream(), events("29", 3));
        BackupDescriptor backup = service.backup("Order", "29", BackupOptions.defaults().withCompression(false));
        main.delete("order-29");
        documents.delete("Order", "29", documents.get("Order", "29").orElseThrow().etag());
        Path part = part(backup, "stream-0.jsonl");
        String[] lines = Files.readString(part).split("\n");
        Files.writeString(part, lines[0] + "\n" + lines[2] + "\n" + lines[1] + "\n");
        assertRefused(backup, Kind.VERSION_GAP);
    }

    private void editManifest(BackupDescriptor backup, String from, String to) throws IOException {
        Path manifest = part(backup, "manifest.json");
        String text = Files.readString(manifest);
        assertThat(text).contains(from);
        Files.writeString(manifest, text.replace(from, to));
    }

    // ------------------------------------------------------------------------------------------ listing, retention

    @Test
    void listFiltersByObjectAndAgeFromManifestsAlone() {
        streams.open("Order", "30").append(events("a", 1).get(0));
        streams.open("Invoice", "30").append(events("b", 1).get(0));
        BackupDescriptor first = service.backup("Order", "30");
        clock.advance(Duration.ofDays(1));
        BackupDescriptor second = service.backup("Order", "30");
        clock.advance(Duration.ofMinutes(1));
        BackupDescriptor invoice = service.backup("Invoice", "30");

        assertThat(service.list(BackupFilter.all())).containsExactly(first, second, invoice);
        assertThat(service.list(BackupFilter.object("Order", "30"))).containsExactly(first, second);
        assertThat(service.list(BackupFilter.objectName("Invoice"))).containsExactly(invoice);
        assertThat(service.list(BackupFilter.all().createdBefore(second.createdAt()))).containsExactly(first);
        assertThat(service.list(BackupFilter.all().createdAfter(second.createdAt()))).containsExactly(second, invoice);
        assertThat(service.list(BackupFilter.all().provider("file"))).containsExactly(first, second, invoice);
        assertThatThrownBy(() -> service.list(BackupFilter.all().provider("blob")))
                .isInstanceOf(UnknownBackupStorageException.class);

        assertThat(service.delete(first.backupId())).isTrue();
        assertThat(service.delete(first.backupId())).isFalse();
        assertThat(service.list(BackupFilter.all())).containsExactly(second, invoice);
    }

    @Test
    void retentionRemovesExactlyTheExpiredBackups() throws IOException {
        DefaultBackupRestoreService kept = service(new BackupRetention(Duration.ofDays(7), 3));
        streams.open("Order", "40").append(events("a", 1).get(0));
        streams.open("Order", "41").append(events("b", 1).get(0));
        List<BackupDescriptor> order40 = new ArrayList<>();
        for (int day = 0; day < 5; day++) { // 5 backups of Order/40, one a day
            order40.add(kept.backup("Order", "40"));
            clock.advance(Duration.ofDays(1));
        }
        BackupDescriptor old41 = kept.backup("Order", "41");
        clock.advance(Duration.ofDays(8));
        BackupDescriptor new41 = kept.backup("Order", "41");
        // a backup that crashed before its manifest, made two hours ago, and one still being written
        try (PartOutput crashed = storage.create(BackupIds.next(clock.instant().minus(Duration.ofHours(2))), "stream-0")) {
            crashed.write(1);
            crashed.commit();
        }
        String writing = BackupIds.next(clock.instant());
        try (PartOutput part = storage.create(writing, "stream-0")) {
            part.write(1);
            part.commit();
        }
        // Order/40's backups are 13 to 9 days old, Order/41's 8 days and 0
        clock.advance(Duration.ofMinutes(1));
        DefaultBackupRestoreService countOnly = service(new BackupRetention(null, 3));
        RetentionResult byCount = countOnly.applyRetention();
        assertThat(byCount.deleted()).containsExactlyInAnyOrder(order40.get(0).backupId(),
                order40.get(1).backupId());
        assertThat(byCount.abandoned()).hasSize(1).doesNotContain(writing);

        RetentionResult result = kept.applyRetention();
        assertThat(result.deleted()).containsExactlyInAnyOrder(order40.get(2).backupId(), order40.get(3).backupId(),
                order40.get(4).backupId(), old41.backupId());
        assertThat(result.abandoned()).isEmpty();
        assertThat(service.list(BackupFilter.all())).containsExactly(new41);
        assertThat(storage.parts(writing)).isNotEmpty();
    }

    // ------------------------------------------------------------------------------------------ bulk

    @Test
    void aBulkBackupOfFiveHundredObjectsReportsTheOneThatFailedAndBacksUpTheRest() {
        for (int i = 0; i < 500; i++) {
            var stream = streams.open("Order", "b" + i);
            stream.append(ExpectedVersion.noStream(), events("b" + i, 1 + i % 3));
            if (i % 5 == 0) {
                stream.tag("vip");
            }
        }
        ObjectDocument broken = documents.get("Order", "b77").orElseThrow();
        documents.update(new ObjectDocument("Order", "b77", new StreamPointer("order-b77", "gone"), List.of(),
                broken.tags(), broken.etag()));
        List<BulkBackupProgress> progress = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        FileBackupStorage files = new FileBackupStorage(directory.resolve("bulk"));
        BackupStorage counting = new DelegatingStorage(files) {
            @Override
            public PartOutput create(String backupId, String part) throws IOException {
                if (part.equals("manifest.json")) {
                    int now = concurrent.incrementAndGet();
                    maxConcurrent.accumulateAndGet(now, Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    concurrent.decrementAndGet();
                }
                return super.create(backupId, part);
            }
        };
        service = new DefaultBackupRestoreService(stores, documents, tags, List.of(counting),
                BackupRetention.keepAll(), executor, BackupListener.NONE, clock);

        BulkBackupResult result = service.backupAll(BackupSelection.objectName("Order"),
                BulkBackupOptions.defaults().maxConcurrency(8).onProgress(progress::add));

        assertThat(result.done()).isEqualTo(499);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.objectId()).isEqualTo("b77");
            assertThat(f.error()).isInstanceOf(UnknownStoreException.class);
        });
        assertThat(result.isSuccess()).isFalse();
        assertThat(result.events()).isEqualTo(service.list(BackupFilter.all()).stream()
                .mapToLong(BackupDescriptor::eventCount).sum());
        assertThat(service.list(BackupFilter.objectName("Order"))).hasSize(499);
        assertThat(maxConcurrent.get()).isBetween(2, 8);
        assertThat(progress).hasSize(500);
        BulkBackupProgress last = progress.stream().max(java.util.Comparator.comparingLong(p -> p.done() + p.failed()))
                .orElseThrow();
        assertThat(last.done()).isEqualTo(499);
        assertThat(last.failed()).isEqualTo(1);
        assertThat(last.remaining()).isZero();

        BulkBackupResult vips = service.backupAll(BackupSelection.tag("Order", "vip"), BulkBackupOptions.defaults());
        assertThat(vips.outcomes()).hasSize(100);
        BulkBackupResult inOther = service.backupAll(BackupSelection.store("gone"), BulkBackupOptions.defaults());
        assertThat(inOther.outcomes()).singleElement().satisfies(o -> assertThat(o.objectId()).isEqualTo("b77"));
    }

    @Test
    void aBulkBackupCanStopAtTheFirstFailure() {
        List<ObjectDocument> docs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            streams.open("Order", "s" + i).append(events("s" + i, 1).get(0));
            docs.add(documents.get("Order", "s" + i).orElseThrow());
        }
        docs.add(5, ObjectDocument.create("Order", "nobody", new StreamPointer("order-nobody", "main")));

        BulkBackupResult result = service.backupAll(BackupSelection.documents(docs),
                BulkBackupOptions.defaults().maxConcurrency(1).continueOnError(false));

        assertThat(result.stopped()).isTrue();
        assertThat(result.done()).isEqualTo(5);
        assertThat(result.failures()).singleElement()
                .satisfies(f -> assertThat(f.error()).isInstanceOf(ObjectNotFoundException.class));
    }

    /** A storage that hands everything to another, for tests to intercept. */
    static class DelegatingStorage implements BackupStorage {
        private final BackupStorage delegate;

        DelegatingStorage(BackupStorage delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public PartOutput create(String backupId, String part) throws IOException {
            return delegate.create(backupId, part);
        }

        @Override
        public Optional<java.io.InputStream> open(String backupId, String part) throws IOException {
            return delegate.open(backupId, part);
        }

        @Override
        public java.util.Set<String> parts(String backupId) throws IOException {
            return delegate.parts(backupId);
        }

        @Override
        public java.util.stream.Stream<String> backupIds() throws IOException {
            return delegate.backupIds();
        }

        @Override
        public boolean delete(String backupId) throws IOException {
            return delegate.delete(backupId);
        }

        @Override
        public boolean isReachable() {
            return delegate.isReachable();
        }
    }

    /** A document store that can run something just before an update, to race the restore. */
    static final class SwitchableDocumentStore implements DocumentStore {
        final DocumentStore delegate;
        private final AtomicReference<Runnable> beforeUpdate = new AtomicReference<>();

        SwitchableDocumentStore(DocumentStore delegate) {
            this.delegate = delegate;
        }

        void beforeUpdate(Runnable action) {
            beforeUpdate.set(action);
        }

        @Override
        public Optional<ObjectDocument> get(String objectName, String objectId) {
            return delegate.get(objectName, objectId);
        }

        @Override
        public ObjectDocument create(ObjectDocument document) {
            return delegate.create(document);
        }

        @Override
        public ObjectDocument update(ObjectDocument document) {
            Runnable action = beforeUpdate.getAndSet(null);
            if (action != null) {
                action.run();
            }
            return delegate.update(document);
        }

        @Override
        public void delete(String objectName, String objectId, String etag) {
            delegate.delete(objectName, objectId, etag);
        }

        @Override
        public List<String> objectIds(String objectName) {
            return delegate.objectIds(objectName);
        }

        @Override
        public List<String> objectNames() {
            return delegate.objectNames();
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
