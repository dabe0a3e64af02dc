package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Orphaned migrations: routing entries left unfinished by a process that died (written here directly, under a lock
 * of a second "process" that is then released) are paused when a re-run can still finish them and retired when
 * their object moved on; {@code activeMigrations()} never lists an entry nobody runs.
 */
@Timeout(60)
class OrphanedMigrationTest {

    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final InMemoryEventStore other = new InMemoryEventStore("other");
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final InMemoryLockProvider locks = new InMemoryLockProvider();
    private final InMemoryMigrationRoutingTable routing = new InMemoryMigrationRoutingTable();
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        streams = new EventStreams(EventStoreRegistry.of(main, other), documents, new InMemoryTagStore(),
                EventStreamSettings.defaults().withChunkSize(10), "main");
        migrations = new DefaultEventStreamMigrationService(streams, locks, routing,
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        migrations.close();
        locks.close();
    }

    /** An object with {@code events} notes in {@code main/order-<id>}; answers its id. */
    private String objectWith(int events) {
        String id = "o" + UUID.randomUUID().toString().substring(0, 12);
        streams.document("Order", id);
        main.append(source(id).streamId(), ExpectedVersion.noStream(), IntStream.range(0, events)
                .mapToObj(i -> new EventData(null, "NoteAdded", 1, "{\"text\":\"n" + i + "\"}", null)).toList());
        return id;
    }

    private static StreamPointer source(String id) {
        return new StreamPointer("order-" + id, "main");
    }

    private static StreamPointer target(String id) {
        return new StreamPointer("order-" + id + "-v2", "other");
    }

    /**
     * What a process killed mid-migration leaves: its routing entry, stamped with the token of a lock it took (from a
     * provider sharing the leases, as a second process would), and the lock free again.
     */
    private MigrationEntry crashed(String id, StreamPointer source, StreamPointer target, MigrationPhase phase,
                                   MigrationStatus status, long copied) {
        try (InMemoryLockProvider dead = locks.sharingLeases(LockSettings.defaults());
             DistributedLock lock = dead.acquire("migration/Order/" + id, Duration.ZERO)) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            MigrationEntry entry = new MigrationEntry(UUID.randomUUID().toString(), "Order", id, source, target, phase,
                    status, copied, 0, lock.fencingToken(), now, now, null);
            assertThat(routing.save(entry)).isTrue();
            return entry;
        }
    }

    /** Copies source events 1..upTo to the target as a migration does (provenance in metadata). */
    private void copy(StreamPointer source, StreamPointer target, int upTo) {
        List<EventData> copies = main.read(source.streamId(), 1, upTo).stream().map(e -> {
            Map<String, String> metadata = new HashMap<>(e.metadata());
            metadata.put(CopyStep.MIGRATED_FROM, source.toString());
            metadata.put(CopyStep.SOURCE_VERSION, String.valueOf(e.version()));
            metadata.put(EventData.RECORDED_AT, e.recordedAt().toString());
            return e.toEventData().withMetadata(metadata);
        }).toList();
        other.append(target.streamId(), ExpectedVersion.noStream(), copies);
    }

    /** Writes {@code migrationId}'s close to the source, toward {@code toward}. */
    private void close(StreamPointer source, StreamPointer toward, String migrationId) {
        long version = main.version(source.streamId());
        main.append(source.streamId(), ExpectedVersion.exactly(version), List.of(new CloseEvent(toward.streamId(),
                toward.store(), "migration", migrationId, version, version, Instant.now()).toEventData()));
    }

    private void cutOver(String id, StreamPointer source, StreamPointer to) {
        ObjectDocument document = documents.get("Order", id).orElseThrow();
        documents.update(document.cutOver(to, new TerminatedStream(source.streamId(), source.store(), "by test",
                to.streamId(), to.store(), main.version(source.streamId()) - 1, Instant.now())));
    }

    private List<String> eventIds(String id) {
        try (var all = streams.open("Order", id).readAll()) {
            return all.map(StoredEvent::eventId).toList();
        }
    }

    private List<String> sourceIds(String id) {
        return main.read(source(id).streamId(), 1, 1000).stream().filter(e -> !e.isCloseEvent())
                .map(StoredEvent::eventId).toList();
    }

    @Test
    void anOrphanWhoseSourceIsStillActiveIsPausedAndAReRunResumesIt() {
        String id = objectWith(25);
        List<String> history = sourceIds(id);
        copy(source(id), target(id), 12);
        MigrationEntry orphan = crashed(id, source(id), target(id), MigrationPhase.CATCH_UP,
                MigrationStatus.IN_PROGRESS, 12);

        List<MigrationEntry> active = migrations.activeMigrations();
        assertThat(active).singleElement().satisfies(e -> {
            assertThat(e.migrationId()).isEqualTo(orphan.migrationId());
            assertThat(e.status()).isEqualTo(MigrationStatus.PAUSED);
            assertThat(e.phase()).isEqualTo(MigrationPhase.CATCH_UP);
            assertThat(e.error()).isEqualTo(OrphanSettler.INTERRUPTED);
            assertThat(e.fencingToken()).isGreaterThan(orphan.fencingToken());
        });
        // a paused entry that can still be resumed is left as it is
        assertThat(migrations.activeMigrations()).containsExactlyElementsOf(active);
        assertThat(locks.isLocked("migration/Order/" + id)).isFalse();

        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(again.isSuccess()).as("%s", again).isTrue();
        assertThat(again.migrationId()).isEqualTo(orphan.migrationId());
        assertThat(other.version(target(id).streamId())).isEqualTo(25);
        assertThat(eventIds(id)).containsExactlyElementsOf(history);
        assertThat(migrations.activeMigrations()).isEmpty();
    }

    @Test
    void anOrphanWhoseObjectMovedOnIsRetiredNamingWhereTheObjectWent() {
        String id = objectWith(15);
        MigrationEntry orphan = crashed(id, source(id), target(id), MigrationPhase.CATCH_UP,
                MigrationStatus.IN_PROGRESS, 0);

        // another migration of the object (its launch pauses the orphan, which could still be resumed then)
        MigrationResult elsewhere = migrations.forDocument("Order", id).withTargetStream("order-" + id + "-v9")
                .execute();
        assertThat(elsewhere.isSuccess()).as("%s", elsewhere).isTrue();
        assertThat(elsewhere.migrationId()).isNotEqualTo(orphan.migrationId());
        assertThat(routing.get(orphan.migrationId()).orElseThrow().status()).isEqualTo(MigrationStatus.PAUSED);

        assertThat(migrations.activeMigrations()).isEmpty();
        MigrationEntry retired = routing.get(orphan.migrationId()).orElseThrow();
        assertThat(retired.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(retired.phase()).isEqualTo(MigrationPhase.FAILED);
        assertThat(retired.error()).isEqualTo("abandoned: Order/" + id + " moved on to main/order-" + id + "-v9"
                + " (its source main/order-" + id + " is closed toward main/order-" + id + "-v9, not toward its"
                + " target other/order-" + id + "-v2); nothing to resume");
    }

    @Test
    void aSourceNamedByTheCallerThatIsNotTheObjectsActiveStreamIsRefusedBeforeAnythingIsWritten() {
        String id = objectWith(3);
        String neighbour = objectWith(2);
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withSourceStream("order-" + neighbour)
                .withTargetStore("other").start())
                .isInstanceOf(MigrationException.class).hasMessageContaining("order-" + neighbour)
                .hasMessageContaining("not a stream of Order/" + id);
        assertThat(routing.all()).noneMatch(e -> id.equals(e.objectId()));
        assertThat(main.lastEvent("order-" + neighbour).isCloseEvent()).isFalse();
        assertThat(main.version("order-" + neighbour)).isEqualTo(2);
    }

    @Test
    void aReRunWhoseSourceIsGoneIsRefusedWithTheOrphanRetired() {
        String id = objectWith(8);
        MigrationEntry orphan = crashed(id, source(id), target(id), MigrationPhase.CATCH_UP,
                MigrationStatus.IN_PROGRESS, 0);
        // meanwhile another process moved the object on, by hand
        StreamPointer moved = new StreamPointer("order-" + id + "-moved", "main");
        close(source(id), moved, null);
        cutOver(id, source(id), moved);

        MigrationResult rerun = migrations.forDocument("Order", id).withSourceStream("order-" + id)
                .withTargetStore("other").execute();
        assertThat(rerun.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(rerun.error()).hasMessageContaining("already closed");
        assertThat(routing.get(orphan.migrationId()).orElseThrow().status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(routing.all()).allSatisfy(e -> assertThat(e.isActive()).isFalse());
        assertThat(migrations.activeMigrations()).isEmpty();
        assertThat(other.version(target(id).streamId())).isZero();
    }

    @Test
    void anOrphanPastItsCloseIsPausedAndAReRunFinishesIt() {
        // died between the close and the cutover
        String id = objectWith(9);
        List<String> history = sourceIds(id);
        copy(source(id), target(id), 9);
        MigrationEntry closing = crashed(id, source(id), target(id), MigrationPhase.CLOSING,
                MigrationStatus.IN_PROGRESS, 9);
        close(source(id), target(id), closing.migrationId());
        // died after the cutover, before book closing
        String id2 = objectWith(4);
        copy(source(id2), target(id2), 4);
        MigrationEntry cutOver = crashed(id2, source(id2), target(id2), MigrationPhase.CUTOVER,
                MigrationStatus.CUTTING_OVER, 4);
        close(source(id2), target(id2), cutOver.migrationId());
        cutOver(id2, source(id2), target(id2));

        assertThat(migrations.activeMigrations()).hasSize(2)
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(MigrationStatus.PAUSED));

        MigrationResult first = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(first.isSuccess()).as("%s", first).isTrue();
        assertThat(first.migrationId()).isEqualTo(closing.migrationId());
        assertThat(eventIds(id)).containsExactlyElementsOf(history);
        MigrationResult second = migrations.forDocument("Order", id2).withTargetStore("other").execute();
        assertThat(second.isSuccess()).as("%s", second).isTrue();
        assertThat(second.migrationId()).isEqualTo(cutOver.migrationId());
        assertThat(routing.get(cutOver.migrationId()).orElseThrow().phase()).isEqualTo(MigrationPhase.BOOK_CLOSED);
        assertThat(migrations.activeMigrations()).isEmpty();
    }

    @Test
    void anEntryWhoseLockIsHeldIsLeftAloneUntilTheLockIsFree() {
        String id = objectWith(3);
        MigrationEntry entry = crashed(id, source(id), target(id), MigrationPhase.CATCH_UP,
                MigrationStatus.IN_PROGRESS, 0);
        try (InMemoryLockProvider alive = locks.sharingLeases(LockSettings.defaults());
             DistributedLock held = alive.acquire("migration/Order/" + id, Duration.ZERO)) {
            // another process holds the object's lock: it may well be running this migration
            assertThat(migrations.activeMigrations()).containsExactly(entry);
        }
        assertThat(migrations.activeMigrations()).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(MigrationStatus.PAUSED));
    }

    @Test
    void theDeadHoldersLateSaveCannotUndoTheSettlement() {
        String id = objectWith(3);
        MigrationEntry orphan = crashed(id, source(id), target(id), MigrationPhase.CATCH_UP,
                MigrationStatus.IN_PROGRESS, 0);
        MigrationEntry paused = migrations.activeMigrations().get(0);
        Instant later = Instant.now();
        MigrationEntry late = orphan.with(MigrationPhase.FAILED, MigrationStatus.FAILED, later)
                .withError("lock was lost", later);
        assertThat(routing.save(late)).isFalse();
        assertThat(routing.get(orphan.migrationId())).contains(paused);
    }

    @Test
    void aMigrationRunningInThisProcessIsNeverTakenForAnOrphan() throws Exception {
        String id = objectWith(40);
        java.util.concurrent.CountDownLatch copying = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    copying.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .start();
        assertThat(copying.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(migrations.activeMigrations()).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(MigrationStatus.IN_PROGRESS));
        release.countDown();
        assertThat(handle.await(Duration.ofSeconds(20)).isSuccess()).isTrue();
        assertThat(migrations.activeMigrations()).isEmpty();
    }
}
