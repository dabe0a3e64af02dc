package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupRetention;
import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.DefaultBackupRestoreService;
import dev.es.engine.backup.PartOutput;
import dev.es.engine.backup.UnknownBackupStorageException;
import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code withBackup}: the backup is taken before the copy, recorded, and its failure writes nothing. */
class MigrationBackupTest {

    @TempDir
    Path directory;

    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final InMemoryEventStore other = new InMemoryEventStore("other");
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final InMemoryTagStore tags = new InMemoryTagStore();
    private final EventStoreRegistry stores = EventStoreRegistry.of(main, other);
    private final EventStreams streams = new EventStreams(stores, documents, tags, EventStreamSettings.defaults(),
            "main");
    private final InMemoryMigrationRoutingTable routing = new InMemoryMigrationRoutingTable();
    private DefaultEventStreamMigrationService migrations;
    private DefaultBackupRestoreService backups;

    @BeforeEach
    void setUp() {
        migrations = new DefaultEventStreamMigrationService(streams, new InMemoryLockProvider(), routing,
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
        backups = new DefaultBackupRestoreService(stores, documents, tags,
                List.of(new FileBackupStorage(directory.resolve("file")), new FailingStorage()),
                BackupRetention.keepAll());
        migrations.useBackups(backups);
    }

    @AfterEach
    void tearDown() {
        migrations.close();
    }

    private static List<EventData> notes(String prefix, int count) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new EventData(prefix + i, "NoteAdded", 1, "{\"n\":" + i + "}", null));
        }
        return events;
    }

    @Test
    void aLiveMigrationWithABackupRecordsItsIdAndTheBackupHoldsTheSourceAsItWas() throws Exception {
        streams.open("Order", "1").append(ExpectedVersion.noStream(), notes("before-", 200));
        AtomicBoolean stop = new AtomicBoolean();
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        Thread writer = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                EventData note = notes("during-" + n++ + "-", 1).get(0);
                streams.open("Order", "1").append(note);
                written.add(note.eventId());
            }
        });
        writer.start();

        MigrationResult result = migrations.forDocument("Order", "1").withTargetStore("other")
                .withBackup(b -> b.provider("file").includeObjectDocument().compressed()).execute();
        stop.set(true);
        writer.join(60_000);
        assertThat(writer.isAlive()).as("the writer stopped").isFalse();

        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        assertThat(result.backupId()).isNotNull();
        assertThat(routing.get(result.migrationId()).orElseThrow().backupId()).isEqualTo(result.backupId());
        BackupDescriptor backup = backups.get(result.backupId()).orElseThrow();
        assertThat(backup.provider()).isEqualTo("file");
        assertThat(backup.document()).isNotNull();
        assertThat(backup.document().active()).isEqualTo(new StreamPointer("order-1", "main"));
        assertThat(backup.eventCount()).isBetween(200L, 200L + written.size());
        assertThat(backups.validate(result.backupId()).isValid()).isTrue();
        // nothing was lost: every acknowledged write is in the object's history on the target
        try (Stream<StoredEvent> all = streams.open("Order", "1").readAll()) {
            assertThat(all.map(StoredEvent::eventId).toList()).containsAll(written).hasSize(200 + written.size());
        }
    }

    @Test
    void aFailedBackupFailsTheMigrationBeforeAnythingIsWritten() {
        streams.open("Order", "2").append(ExpectedVersion.noStream(), notes("a", 10));

        MigrationResult result = migrations.forDocument("Order", "2").withTargetStore("other")
                .withBackup(b -> b.provider("failing")).execute();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.backupId()).isNull();
        assertThat(result.error()).hasMessageContaining("backup before the copy failed")
                .hasMessageContaining("disk full");
        assertThat(other.version("order-2-v2")).isZero();
        assertThat(main.closeEvent("order-2")).isNull();
        assertThat(documents.get("Order", "2").orElseThrow().active()).isEqualTo(new StreamPointer("order-2", "main"));
        // the source stays writable
        streams.open("Order", "2").append(ExpectedVersion.exactly(10), notes("after", 1));
        assertThat(main.version("order-2")).isEqualTo(11);
        assertThat(routing.get(result.migrationId()).orElseThrow().status()).isEqualTo(MigrationStatus.FAILED);
    }

    @Test
    void aMigrationAskingForABackupWithoutABackupServiceIsRefusedAtStart() {
        try (DefaultEventStreamMigrationService bare = new DefaultEventStreamMigrationService(streams,
                new InMemoryLockProvider(), routing)) {
            streams.open("Order", "3").append(notes("a", 1).get(0));
            assertThatThrownBy(() -> bare.forDocument("Order", "3").withBackup(b -> { }).start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("useBackups");
        }
        assertThat(main.closeEvent("order-3")).isNull();
    }

    @Test
    void aBackupStorageTheServiceDoesNotHaveIsRefusedAtStart() {
        streams.open("Order", "4").append(notes("a", 1).get(0));
        assertThatThrownBy(() -> migrations.forDocument("Order", "4").withTargetStore("other")
                .withBackup(b -> b.provider("s3")).start())
                .isInstanceOf(UnknownBackupStorageException.class).hasMessageContaining("'s3'");
        assertThat(routing.forObject("Order", "4")).isEmpty();
        assertThat(main.closeEvent("order-4")).isNull();
    }

    /** A storage whose every write fails, as a full disk would. */
    private static final class FailingStorage implements BackupStorage {
        @Override
        public String name() {
            return "failing";
        }

        @Override
        public PartOutput create(String backupId, String part) throws IOException {
            throw new IOException("disk full");
        }

        @Override
        public Optional<InputStream> open(String backupId, String part) {
            return Optional.empty();
        }

        @Override
        public Set<String> parts(String backupId) {
            return Set.of();
        }

        @Override
        public Stream<String> backupIds() {
            return Stream.empty();
        }

        @Override
        public boolean delete(String backupId) {
            return false;
        }

        @Override
        public boolean isReachable() {
            return false;
        }
    }
}
