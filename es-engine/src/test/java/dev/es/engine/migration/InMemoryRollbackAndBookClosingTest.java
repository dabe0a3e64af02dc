package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.ErrorCategory;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.store.UnknownStoreException;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.transform.EventTransformer;
import dev.es.engine.transform.FunctionTransformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Rollback after the cutover and book closing on the memory stores, plus every other rollback and book-closing
 * feature: rollback before the cutover (running, failed), refusals, resuming a failed rollback, crashes during book
 * closing finished by a re-run, a writer racing the deletion.
 */
class InMemoryRollbackAndBookClosingTest extends AbstractRollbackAndBookClosingTest {

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new InMemoryEventStore("main"), new InMemoryEventStore("other"),
                new InMemoryDocumentStore(), new InMemoryTagStore(), new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable());
    }

    @Override
    protected EventStore createArchiveStore() {
        return new InMemoryEventStore("archive");
    }

    /** Renames {@code text} to {@code note} in {@code NoteAdded} v1, making it v2. */
    private static final EventTransformer RENAME = FunctionTransformer.upcast("NoteAdded", 1, e -> new EventData(
            e.eventId(), "NoteAdded", 2, e.payload().replace("\"text\"", "\"note\""), e.metadata()));
    /** The reverse of {@link #RENAME}. */
    private static final EventTransformer UNRENAME = FunctionTransformer.upcast("NoteAdded", 2, e -> new EventData(
            e.eventId(), "NoteAdded", 1, e.payload().replace("\"note\"", "\"text\""), e.metadata()));

    private List<EventData> seed(String id, int events) {
        List<EventData> initial = IntStream.range(0, events).mapToObj(i -> note("n" + i)).toList();
        streams.open("Order", id).append(ExpectedVersion.noStream(), initial);
        return initial;
    }

    private static List<String> ids(List<EventData> events) {
        return events.stream().map(EventData::eventId).toList();
    }

    // ---------------------------------------------------------------- rollback before the cutover

    @Test
    void rollbackOfARunningMigrationBeforeItsCutoverDiscardsTheTargetAndReleasesTheLock() throws Exception {
        String id = newId();
        List<EventData> initial = seed(id, 3 * chunkSize());
        String target = "order-" + id + "-v2";
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch copiedSome = new CountDownLatch(1);
        AtomicReference<MigrationHandle> handle = new AtomicReference<>();
        handle.set(migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onEventCopied(e -> {
                    if (e.version() == chunkSize()) {
                        await(started);
                        handle.get().pause(); // waits at its next safe point, holding its lock
                        copiedSome.countDown();
                    }
                }))
                .start());
        started.countDown();
        await(copiedSome);
        assertThat(other.version(target)).isPositive();
        String migrationId = handle.get().migrationId();

        RollbackResult result = migrations.rollback(migrationId);

        assertThat(result.isSuccess()).as("rollback: %s", result.error()).isTrue();
        assertThat(result.afterCutover()).isFalse();
        assertThat(result.activeStream()).isEqualTo(new StreamPointer("order-" + id, "main"));
        assertThat(handle.get().await(Duration.ofSeconds(10)).status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(other.version(target)).as("target discarded").isZero();
        MigrationEntry entry = stores.routing().get(migrationId).orElseThrow();
        assertThat(entry.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(entry.phase()).isEqualTo(MigrationPhase.ROLLED_BACK);
        assertThat(entry.audit()).last().satisfies(a -> {
            assertThat(a.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
            assertThat(a.requestedBy()).isEqualTo(MigrationAuditRecord.BY_API);
            assertThat(a.detail()).contains("before the cutover").contains(target);
        });
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).as("source untouched").isFalse();
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(initial));
        assertThat(migrations.activeMigrations()).isEmpty();

        // the lock is free: a new migration starts at once (a new one: a rolled-back entry is never revived)
        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(again.isSuccess()).as("again: %s", again.error()).isTrue();
        assertThat(again.migrationId()).isNotEqualTo(migrationId);
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(initial));
        assertThat(stores.routing().get(migrationId).orElseThrow().status()).isEqualTo(MigrationStatus.ROLLED_BACK);
    }

    @Test
    void rollbackOfAFailedMigrationDiscardsItsPartialTarget() {
        String id = newId();
        List<EventData> initial = seed(id, 2 * chunkSize() + 5);
        other.crashOn(2, b -> true, FaultInjectingEventStore.When.AFTER_WRITE);
        MigrationResult failed = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(other.version("order-" + id + "-v2")).isPositive();

        RollbackResult result = migrations.rollback(failed.migrationId());

        assertThat(result.isSuccess()).isTrue();
        assertThat(other.version("order-" + id + "-v2")).isZero();
        MigrationEntry entry = stores.routing().get(failed.migrationId()).orElseThrow();
        assertThat(entry.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(entry.audit()).last().satisfies(a -> assertThat(a.detail()).contains("was FAILED"));
        // rolling back again answers how it ended, changing nothing
        assertThat(migrations.rollback(failed.migrationId())).satisfies(r -> {
            assertThat(r.isSuccess()).isTrue();
            assertThat(r.afterCutover()).isFalse();
        });
        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(again.isSuccess()).isTrue();
        assertThat(again.migrationId()).isNotEqualTo(failed.migrationId());
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(initial));
    }

    @Test
    void aMigrationWhoseCloseIsWrittenButWhoseCutoverIsNotIsRefusedWithWhatToDo() {
        String id = newId();
        seed(id, 10);
        documents.failUpdate(1); // the cutover's document update fails: the source is closed toward the target
        MigrationResult failed = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);

        assertThatThrownBy(() -> migrations.rollback(failed.migrationId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("finish the cutover")
                .satisfies(e -> assertThat(((RollbackRefusedException) e).category())
                        .isEqualTo(ErrorCategory.CONFLICT));
        assertThat(stores.routing().get(failed.migrationId()).orElseThrow().status())
                .isEqualTo(MigrationStatus.FAILED);

        assertThat(migrations.resume(failed.migrationId()).isSuccess()).isTrue();
        assertThat(migrations.rollback(failed.migrationId()).isSuccess()).isTrue();
        assertThat(streams.open("Order", id).activeStream())
                .isEqualTo(new StreamPointer("order-" + id + "-rb1", "main"));
    }

    // ---------------------------------------------------------------- rollback after the cutover

    @Test
    void rollbackIsRefusedUpFrontWithoutAReverseTransformerWhenTheMigrationTransformed() {
        String id = newId();
        List<EventData> initial = seed(id, 20);
        MigrationResult forward = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(RENAME).execute();
        assertThat(forward.isSuccess()).isTrue();
        assertThat(stores.routing().get(forward.migrationId()).orElseThrow().rollbackSupport())
                .satisfies(s -> {
                    assertThat(s.transformed()).isTrue();
                    assertThat(s.requested()).isFalse();
                    assertThat(s.transformer()).isNotBlank();
                });
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");

        assertThatThrownBy(() -> migrations.rollback(forward.migrationId()))
                .isInstanceOf(ReverseTransformerRequiredException.class)
                .hasMessageContaining("reverse transformer")
                .hasMessageContaining("rollback(\"" + forward.migrationId() + "\", reverseTransformer)")
                .satisfies(e -> assertThat(((ReverseTransformerRequiredException) e).category())
                        .isEqualTo(ErrorCategory.USAGE));
        // another process knows it from the routing entry
        try (DefaultEventStreamMigrationService elsewhere = new DefaultEventStreamMigrationService(streams,
                stores.locks(), stores.routing())) {
            assertThatThrownBy(() -> elsewhere.rollback(forward.migrationId()))
                    .isInstanceOf(ReverseTransformerRequiredException.class);
        }
        // nothing changed
        assertThat(stores.routing().get(forward.migrationId()).orElseThrow().status())
                .isEqualTo(MigrationStatus.COMPLETED);
        assertThat(documents.get("Order", id).orElseThrow().active()).isEqualTo(target);
        assertThat(main.version("order-" + id + "-rb1")).isZero();

        EventData written = note("after the cutover");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(written));
        RollbackResult result = migrations.rollback(forward.migrationId(), UNRENAME);

        assertThat(result.isSuccess()).as("rollback: %s", result.error()).isTrue();
        List<StoredEvent> history = history(id);
        List<EventData> expected = new ArrayList<>(initial);
        expected.add(written);
        assertThat(history).extracting(StoredEvent::eventId).containsExactlyElementsOf(ids(expected));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(history.get(i).schemaVersion()).isEqualTo(1);
            assertThat(history.get(i).payload()).isEqualTo(expected.get(i).payload());
        }
        // the reverse migration records its own transformation, so that it can be rolled back in turn
        assertThat(stores.routing().get(result.rollbackMigrationId()).orElseThrow().rollbackSupport().transformed())
                .isTrue();
    }

    @Test
    void aMigrationRecordedWithoutRollbackSupportNeedsAReverseTransformer() {
        String id = newId();
        seed(id, 5);
        MigrationResult forward = migrations.forDocument("Order", id).withTargetStore("other").execute();
        MigrationEntry entry = stores.routing().get(forward.migrationId()).orElseThrow();
        // as an older version recorded it: without what a rollback needs to know
        stores.routing().save(entry.withRollbackSupport(null, entry.updatedAt()));

        assertThatThrownBy(() -> migrations.rollback(forward.migrationId()))
                .isInstanceOf(ReverseTransformerRequiredException.class)
                .hasMessageContaining("EventTransformer.identity()");
        assertThat(migrations.rollback(forward.migrationId(), EventTransformer.identity()).isSuccess()).isTrue();
    }

    @Test
    void rollbackOfAnUnknownMigrationOrOfAnObjectThatMovedOnIsRefused() {
        assertThatThrownBy(() -> migrations.rollback("no-such-migration"))
                .isInstanceOf(RollbackRefusedException.class)
                .satisfies(e -> assertThat(((RollbackRefusedException) e).category())
                        .isEqualTo(ErrorCategory.USAGE));

        String id = newId();
        seed(id, 5);
        MigrationResult first = migrations.forDocument("Order", id).withTargetStore("other").execute();
        MigrationResult second = migrations.forDocument("Order", id).withTargetStore("main").execute();
        assertThat(second.isSuccess()).isTrue();
        assertThatThrownBy(() -> migrations.rollback(first.migrationId()))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("moved on")
                .hasMessageContaining(second.migrationId());
        assertThat(stores.routing().get(first.migrationId()).orElseThrow().status())
                .isEqualTo(MigrationStatus.COMPLETED);

        // rolling the later one back moves the object to a fresh stream, not back to the first one's target
        assertThat(migrations.rollback(second.migrationId()).isSuccess()).isTrue();
        assertThatThrownBy(() -> migrations.rollback(first.migrationId())).isInstanceOf(RollbackRefusedException.class);
    }

    @Test
    void aRollbackWhoseReverseMigrationFailsIsResumedByRollingBackAgain() {
        String id = newId();
        List<EventData> initial = seed(id, 3 * chunkSize());
        MigrationResult forward = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(forward.isSuccess()).isTrue();
        String fresh = "order-" + id + "-rb1";
        // the reverse migration's second page to the fresh stream fails
        main.crashOn(2, b -> !b.get(b.size() - 1).isCloseEvent(), FaultInjectingEventStore.When.AFTER_WRITE);

        RollbackResult failed = migrations.rollback(forward.migrationId());

        assertThat(failed.isSuccess()).isFalse();
        assertThat(failed.status()).isEqualTo(MigrationStatus.ROLLING_BACK);
        assertThat(failed.error()).hasMessageContaining("roll back again");
        assertThat(failed.rollbackMigration().status()).isEqualTo(MigrationStatus.FAILED);
        MigrationEntry rolling = stores.routing().get(forward.migrationId()).orElseThrow();
        assertThat(rolling.status()).isEqualTo(MigrationStatus.ROLLING_BACK);
        assertThat(rolling.rollbackMigrationId()).isEqualTo(failed.rollbackMigrationId());
        assertThat(migrations.activeMigrations()).extracting(MigrationEntry::migrationId)
                .contains(forward.migrationId());
        assertThat(stores.routing().get(forward.migrationId()).orElseThrow().status())
                .as("not taken for an orphan").isEqualTo(MigrationStatus.ROLLING_BACK);
        assertThatThrownBy(() -> migrations.resume(forward.migrationId())).hasMessageContaining("rollback");
        // writers carry on, on the migration's target
        EventData meanwhile = note("meanwhile");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(meanwhile));

        RollbackResult resumed = migrations.rollback(forward.migrationId());

        assertThat(resumed.isSuccess()).as("resumed: %s", resumed.error()).isTrue();
        assertThat(resumed.rollbackMigrationId()).isEqualTo(failed.rollbackMigrationId());
        assertThat(resumed.activeStream()).isEqualTo(new StreamPointer(fresh, "main"));
        List<EventData> expected = new ArrayList<>(initial);
        expected.add(meanwhile);
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(expected));
        MigrationEntry done = stores.routing().get(forward.migrationId()).orElseThrow();
        assertThat(done.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(done.error()).isNull();
    }

    @Test
    void aCancelledReverseMigrationLeavesTheMigrationAsItWas() throws Exception {
        String id = newId();
        seed(id, 3 * chunkSize());
        MigrationResult forward = migrations.forDocument("Order", id).withTargetStore("other").execute();
        AtomicReference<RollbackResult> result = new AtomicReference<>();
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        onEventsCopied.set(() -> {
            copying.countDown();
            await(cancelled);
        });
        Thread rollback = new Thread(() -> result.set(migrations.rollback(forward.migrationId())));
        rollback.start();
        await(copying);
        String reverseId = stores.routing().get(forward.migrationId()).orElseThrow().rollbackMigrationId();
        assertThat(migrations.handle(reverseId).orElseThrow().cancel()).isTrue();
        cancelled.countDown();
        rollback.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(result.get().status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(result.get().error()).hasMessageContaining("cancelled");
        MigrationEntry entry = stores.routing().get(forward.migrationId()).orElseThrow();
        assertThat(entry.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(entry.rollbackMigrationId()).isNull();
        assertThat(main.version("order-" + id + "-rb1")).isZero();
        assertThat(migrations.rollback(forward.migrationId()).isSuccess()).isTrue();
    }

    // ---------------------------------------------------------------- book closing

    @Test
    void bookClosingArchivesWithoutDeletingAndDeletesWithoutArchiving() {
        String kept = newId();
        List<EventData> initial = seed(kept, 12);
        assertThat(migrations.forDocument("Order", kept).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive", "archived-" + kept)).execute().isSuccess()).isTrue();
        TerminatedStream archived = documents.get("Order", kept).orElseThrow()
                .terminatedStream(new StreamPointer("order-" + kept, "main"));
        assertThat(archived.archive()).isEqualTo(new StreamPointer("archived-" + kept, "archive"));
        assertThat(archived.deletedAt()).isNull();
        assertThat(main.version("order-" + kept)).isEqualTo(initial.size() + 1);
        assertThat(archive.version("archived-" + kept)).isEqualTo(initial.size() + 1);

        String deleted = newId();
        initial = seed(deleted, 12);
        assertThat(migrations.forDocument("Order", deleted).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).execute().isSuccess()).isTrue();
        TerminatedStream gone = documents.get("Order", deleted).orElseThrow()
                .terminatedStream(new StreamPointer("order-" + deleted, "main"));
        assertThat(gone.archive()).isNull();
        assertThat(gone.deletedAt()).isNotNull();
        assertThat(main.version("order-" + deleted)).isEqualTo(1);
        assertThat(eventIds(deleted)).containsExactlyElementsOf(ids(initial));
    }

    @Test
    void anArchiveInTheSourcesOwnStoreGetsASuffix() {
        String id = newId();
        seed(id, 3);
        assertThat(migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("main")).execute().isSuccess()).isTrue();
        assertThat(main.version("order-" + id + "-archive")).isEqualTo(4);
    }

    @Test
    void aCrashBetweenTheArchiveCopyAndTheDocumentUpdateIsFinishedByARerun() {
        String id = newId();
        List<EventData> initial = seed(id, 2 * chunkSize() + 5);
        documents.failUpdate(2); // the first update is the cutover, the second records the archive
        MigrationResult crashed = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive").deleteSource(true)).execute();
        assertThat(crashed.status()).isEqualTo(MigrationStatus.FAILED);
        MigrationEntry entry = stores.routing().get(crashed.migrationId()).orElseThrow();
        assertThat(entry.phase()).as("not BOOK_CLOSED before it is done").isEqualTo(MigrationPhase.FAILED);
        assertThat(archive.version("order-" + id)).isEqualTo(initial.size() + 1);
        assertThat(main.version("order-" + id)).as("not deleted before the archive is recorded")
                .isEqualTo(initial.size() + 1);
        EventData meanwhile = note("meanwhile");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(meanwhile));

        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive").deleteSource(true)).execute();

        assertThat(again.isSuccess()).as("re-run: %s", again.error()).isTrue();
        assertThat(again.migrationId()).isEqualTo(crashed.migrationId());
        assertThat(stores.routing().get(crashed.migrationId()).orElseThrow().phase())
                .isEqualTo(MigrationPhase.BOOK_CLOSED);
        assertThat(archive.version("order-" + id)).as("nothing archived twice").isEqualTo(initial.size() + 1);
        TerminatedStream terminated = documents.get("Order", id).orElseThrow()
                .terminatedStream(new StreamPointer("order-" + id, "main"));
        assertThat(terminated.archive()).isEqualTo(new StreamPointer("order-" + id, "archive"));
        assertThat(terminated.deletedAt()).isNotNull();
        List<EventData> expected = new ArrayList<>(initial);
        expected.add(meanwhile);
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(expected));
    }

    @Test
    void aCrashInTheMiddleOfTheArchiveCopyIsFinishedByARerun() {
        String id = newId();
        List<EventData> initial = seed(id, 3 * chunkSize());
        archive.crashOn(2, b -> true, FaultInjectingEventStore.When.AFTER_WRITE);
        MigrationResult crashed = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive")).execute();
        assertThat(crashed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(documents.get("Order", id).orElseThrow().active().store()).isEqualTo("other");

        assertThat(migrations.resume(crashed.migrationId()).isSuccess()).isTrue();
        List<StoredEvent> copy = archive.read("order-" + id, 1, 10_000);
        List<StoredEvent> source = main.read("order-" + id, 1, 10_000);
        assertThat(copy).extracting(StoredEvent::eventId)
                .containsExactlyElementsOf(source.stream().map(StoredEvent::eventId).toList());
        assertThat(copy).hasSize(initial.size() + 1);
    }

    @Test
    void aCrashBetweenTheDeletionAndItsCloseIsFinishedByARerun() {
        String id = newId();
        List<EventData> initial = seed(id, chunkSize() + 3);
        StreamPointer source = new StreamPointer("order-" + id, "main");
        EventStream stale = streams.open("Order", id);
        long staleVersion = stale.version();
        // the first close on main is the migration's; the second is the one left after deleting the source
        main.crashOn(2, b -> b.get(b.size() - 1).isCloseEvent(), FaultInjectingEventStore.When.BEFORE_WRITE);
        MigrationResult crashed = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).execute();
        assertThat(crashed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(main.version(source.streamId())).as("deleted, close not yet written").isZero();
        assertThat(eventIds(id)).as("reads are right meanwhile").containsExactlyElementsOf(ids(initial));

        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).execute();

        assertThat(again.isSuccess()).as("re-run: %s", again.error()).isTrue();
        assertThat(again.migrationId()).isEqualTo(crashed.migrationId());
        CloseEvent close = main.closeEvent(source.streamId());
        assertThat(close.continuationStreamId()).isEqualTo("order-" + id + "-v2");
        assertThat(close.lastSourceVersion()).isEqualTo(initial.size());
        assertThat(close.targetVersionAtClose()).isEqualTo(initial.size());
        EventData late = note("late");
        stale.append(ExpectedVersion.exactly(staleVersion), List.of(late));
        List<EventData> expected = new ArrayList<>(initial);
        expected.add(late);
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(expected));
    }

    /**
     * A deletion interrupted half-way (a store that deletes in parts, such as a blob stream's chunks, and a process
     * that dies) leaves the rest of the source without its close: reads skip it, since the document records the
     * deletion first, and a re-run deletes the rest. An event appended to it after its close, by a writer of another
     * process, is not in the continuation: the re-run then deletes nothing and says what to do.
     */
    @Test
    void anInterruptedDeletionIsFinishedByARerunUnlessEventsWereAppendedMeanwhile() {
        String id = newId();
        List<EventData> initial = seed(id, 20);
        String source = "order-" + id;
        List<StoredEvent> original = main.read(source, 1, 100);
        main.crashOn(2, b -> b.get(b.size() - 1).isCloseEvent(), FaultInjectingEventStore.When.BEFORE_WRITE);
        MigrationResult crashed = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).execute();
        assertThat(crashed.status()).isEqualTo(MigrationStatus.FAILED);
        // what a deletion in parts leaves: the source's first events, no close
        main.append(source, ExpectedVersion.noStream(), original.subList(0, 5).stream()
                .map(e -> new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(),
                        e.recordedAt())).toList());
        assertThat(eventIds(id)).as("reads skip the deleted source").containsExactlyElementsOf(ids(initial));
        EventData late = note("late");
        main.append(source, ExpectedVersion.exactly(5), List.of(late));

        MigrationResult refused = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).execute();
        assertThat(refused.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(refused.error()).hasMessageContaining("1 event(s) were appended to it after its close");
        assertThat(main.version(source)).as("nothing deleted").isEqualTo(6);

        // the operator moves the late event on and deletes the source by hand
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(late));
        main.delete(source);
        main.append(source, ExpectedVersion.noStream(), original.subList(0, 5).stream()
                .map(e -> new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(),
                        e.recordedAt())).toList());
        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).execute();
        assertThat(again.isSuccess()).as("re-run: %s", again.error()).isTrue();
        assertThat(main.read(source, 1, 100)).singleElement().satisfies(e -> assertThat(e.isCloseEvent()).isTrue());
        List<EventData> expected = new ArrayList<>(initial);
        expected.add(late);
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(expected));
    }

    /**
     * A writer of another process, still standing on the source, appends to it while book closing has deleted it
     * and not yet written its close: the append is moved to the continuation, nothing is lost or read twice.
     */
    @Test
    void anAppendThatLandsOnTheDeletedSourceIsMovedToTheContinuation() throws Exception {
        String id = newId();
        List<EventData> initial = seed(id, 10);
        String source = "order-" + id;
        CountDownLatch deleted = new CountDownLatch(1);
        CountDownLatch strayWritten = new CountDownLatch(1);
        // the close written after the deletion waits until the stray append is in
        main.stallOn(b -> b.get(0).isCloseEvent() && main.version(source) == 0, deleted, strayWritten);
        MigrationHandle migration = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.deleteSource(true)).start();
        await(deleted);
        EventData stray = note("stray");
        AppendResult landed = main.append(source, ExpectedVersion.any(), List.of(stray));
        assertThat(landed.newVersion()).isEqualTo(1);
        strayWritten.countDown();

        assertThat(migration.await(Duration.ofSeconds(30)).isSuccess()).isTrue();
        List<EventData> expected = new ArrayList<>(initial);
        expected.add(stray);
        assertThat(eventIds(id)).containsExactlyElementsOf(ids(expected));
        CloseEvent close = main.closeEvent(source);
        assertThat(close.lastSourceVersion()).isEqualTo(1);
        assertThat(close.targetVersionAtClose()).isEqualTo(initial.size() + 1);
        EventData next = note("next");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(next));
        assertThat(other.version(source + "-v2")).isEqualTo(initial.size() + 2);
    }

    @Test
    void bookClosingOptionsAreCheckedBeforeAnythingIsWritten() {
        String id = newId();
        seed(id, 3);
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withRollbackSupport()
                .withBookClosing(b -> b.deleteSource(true)).execute())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withRollbackSupport()");

        // refused at the launch, before a lock, a routing entry or a fence
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("nowhere")).start())
                .isInstanceOf(UnknownStoreException.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withTargetStore("other")
                .withTargetStream("t-" + id).withBookClosing(b -> b.archiveTo("other", "t-" + id)).start())
                .isInstanceOf(MigrationException.class).hasMessageContaining("target");
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).as("source untouched").isFalse();
        assertThat(other.version("order-" + id + "-v2")).isZero();
        assertThat(stores.routing().forObject("Order", id)).as("no routing entry").isEmpty();

        MigrationResult kept = migrations.forDocument("Order", id).withTargetStore("other").withRollbackSupport()
                .withBookClosing(b -> b.archiveTo("archive")).execute();
        assertThat(kept.isSuccess()).isTrue();
        assertThat(stores.routing().get(kept.migrationId()).orElseThrow().rollbackSupport().requested()).isTrue();
    }

    @Test
    void theDocumentsTerminatedStreamKeepsTheArchiveAcrossSaves() {
        String id = newId();
        seed(id, 3);
        migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive").deleteSource(true)).execute();
        ObjectDocument document = documents.get("Order", id).orElseThrow();
        streams.open("Order", id).tag("vip");
        ObjectDocument tagged = documents.get("Order", id).orElseThrow();
        assertThat(tagged.terminatedStreams()).isEqualTo(document.terminatedStreams());
    }

    static void await(CountDownLatch latch) {
        AbstractLiveMigrationTest.await(latch);
    }
}
