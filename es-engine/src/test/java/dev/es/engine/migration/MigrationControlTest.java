package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.transform.FunctionTransformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The control scenarios on the memory stores: those of {@link AbstractMigrationControlTest} (run on every store) and
 * the ones that depend on the engine alone: convergence failing, progress, pause/resume, cancels racing the lock or a
 * re-run, two migrations of one object, transformers that split or drop, a crash before book closing, the dry run
 * and refused requests.
 */
class MigrationControlTest extends AbstractMigrationControlTest {

    private final AtomicBoolean failBookClosing = new AtomicBoolean();

    /** A routing table that fails, once when asked, to record BOOK_CLOSED: the process died after the cutover. */
    private final class DyingRoutingTable implements MigrationRoutingTable {
        private final InMemoryMigrationRoutingTable delegate = new InMemoryMigrationRoutingTable();

        @Override
        public boolean save(MigrationEntry entry) {
            if (entry.phase() == MigrationPhase.BOOK_CLOSED && failBookClosing.getAndSet(false)) {
                throw new IllegalStateException("injected fault: died after the cutover");
            }
            return delegate.save(entry);
        }

        @Override
        public Optional<MigrationEntry> get(String migrationId) {
            return delegate.get(migrationId);
        }

        @Override
        public List<MigrationEntry> all() {
            return delegate.all();
        }

        @Override
        public void delete(String migrationId) {
            delegate.delete(migrationId);
        }
    }

    @Test
    void aBulkRunWhoseDocumentCannotBeReadUnderTheLockGetsThatObjectFailedAndReleasesItsLock() {
        String id = objectWith(3);
        AtomicBoolean broken = new AtomicBoolean(true);
        // the look at the document under the object's lock runs on a migration thread; the walk and the look before
        // the launch on the bulk run's threads
        documents.failGetsWhile(() -> broken.get() && Thread.currentThread().getName().startsWith("es-migration"));
        try (DefaultEventStreamMigrationService service = new DefaultEventStreamMigrationService(streams,
                stores.locks(), stores.routing(), MigrationDefaults.defaults(), MigrationListener.NONE,
                Clock.systemUTC())) {
            BulkMigrationResult failed = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> service.forObjectName("Order").targetStore("other").continueOnError().execute());

            assertThat(failed.failed()).as("result %s", failed).isEqualTo(1);
            assertThat(failed.migrated()).isZero();
            assertThat(stores.locks().isLocked(MigrationDefinition.lockKey("Order", id))).isFalse();

            broken.set(false);
            assertThat(service.forObjectName("Order").targetStore("other").execute().migrated()).isEqualTo(1);
        }
    }

    @Test
    void aListenerThatThrowsAtEveryCallDoesNotStopTheMigration() {
        String id = objectWith(3);
        MigrationListener throwing = new MigrationListener() {
            private void broke() {
                throw new IllegalStateException("injected: listener broke");
            }

            @Override
            public void started(String migrationId, String objectName, String objectId) {
                broke();
            }

            @Override
            public void eventsCopied(String objectName, int count) {
                broke();
            }

            @Override
            public void catchUpIteration(String objectName) {
                broke();
            }

            @Override
            public void cutover(String objectName, Duration took) {
                broke();
            }

            @Override
            public void lockAcquired(String key, Duration waited) {
                broke();
            }

            @Override
            public void finished(MigrationResult result) {
                broke();
            }
        };
        try (DefaultEventStreamMigrationService service = new DefaultEventStreamMigrationService(streams,
                stores.locks(), stores.routing(), MigrationDefaults.defaults(), throwing, Clock.systemUTC())) {
            MigrationResult result = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> service.forDocument("Order", id).withTargetStore("other").execute());

            assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(stores.locks().isLocked(MigrationDefinition.lockKey("Order", id))).isFalse();
        }
    }

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new InMemoryEventStore("main"), new InMemoryEventStore("other"),
                new InMemoryDocumentStore(), new InMemoryTagStore(), new InMemoryLockProvider(), new DyingRoutingTable());
    }

    /**
     * Starts a migration of {@code id} to the other store that stops just before its first copy reaches the target
     * (holding the object's lock) until {@code release} is counted down; returns once it stands there.
     */
    private MigrationHandle startHeldAtFirstCopy(String id, CountDownLatch release) {
        CountDownLatch holding = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        await(release);
                    }
                }))
                .start();
        await(holding);
        return handle;
    }

    @Tag("design-6")
    @Test
    void aBuilderChangedAfterStartDoesNotChangeTheRunningMigration() throws Exception {
        String id = objectWith(10);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        List<String> completions = Collections.synchronizedList(new ArrayList<>());
        MigrationBuilder builder = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        holding.countDown();
                        await(release);
                    }
                }))
                .withProgress(p -> p.onCompleted(r -> completions.add("as started")));
        MigrationHandle handle = builder.start();
        await(holding);

        // everything the builder holds, changed while the migration runs
        builder.withTargetStore("main").withTargetStream("order-" + id + "-elsewhere")
                .withTransformer(FunctionTransformer.of("NoteAdded",
                        e -> new EventData(null, "Changed", 1, "{}", null)))
                .onTransformFailure(TransformFailurePolicy.SKIP_AND_RECORD)
                .withProgress(p -> p.onCompleted(r -> completions.add("changed")))
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    throw new IllegalStateException("the changed builder was used");
                }).onConvergenceFailure(ConvergenceFailureStrategy.FAIL));
        release.countDown();
        MigrationResult result = handle.await(Duration.ofSeconds(30));

        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        assertThat(streams.documents().get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
        try (var all = streams.open("Order", id).readAll()) {
            assertThat(all.map(StoredEvent::type).toList()).hasSize(10).containsOnly("NoteAdded");
        }
        assertThat(completions).containsExactly("as started");
        assertThat(main.version("order-" + id + "-elsewhere")).isZero();
    }

    @Tag("design-5.5")
    @Test
    void failStrategyGivesUpWithinTheCloseTimeoutAndLeavesTheSourceWritable() throws Exception {
        String id = objectWith(50);
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger written = new AtomicInteger();
        Thread writer = hammer(id, stop, errors, written);

        long started = System.nanoTime();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.closeTimeout(Duration.ofMillis(500))
                        .onConvergenceFailure(ConvergenceFailureStrategy.FAIL)
                        .onBeforeAppend(e -> sleep(2)))
                .execute();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        stop.set(true);
        writer.join(60_000);
        assertThat(writer.isAlive()).as("the writer stopped").isFalse();

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasMessageContaining("close timeout");
        assertThat(tookMillis).isLessThan(10_000);
        assertThat(errors).isEmpty();
        StoredEvent last = main.lastEvent("order-" + id);
        assertThat(last.isCloseEvent()).isFalse();
        streams.open("Order", id).append(note("still writable"));
        assertThat(documents.get("Order", id).orElseThrow().active().store()).isEqualTo("main");
    }

    @Tag("design-6")
    @Test
    void progressCallbacksFire() {
        String id = objectWith(3 * chunkSize() + 1);
        List<MigrationProgress> progress = Collections.synchronizedList(new ArrayList<>());
        List<MigrationResult> completed = new ArrayList<>();
        AtomicInteger copied = new AtomicInteger();
        List<CatchUpProgress> catchUps = new ArrayList<>();
        MigrationResult result = migrations.forDocument("Order", id)
                .withProgress(p -> p.interval(Duration.ZERO).onProgress(progress::add).onCompleted(completed::add))
                .withLiveMigration(o -> o.onEventCopied(e -> copied.incrementAndGet()).onCatchUpProgress(catchUps::add))
                .execute();

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.statistics().totalEvents()).isEqualTo(3L * chunkSize() + 1);
        assertThat(result.statistics().catchUpAttempts()).isGreaterThanOrEqualTo(1);
        assertThat(copied.get()).isEqualTo(3 * chunkSize() + 1);
        assertThat(catchUps).first().satisfies(p -> assertThat(p.eventsBehind()).isZero());
        assertThat(progress).extracting(MigrationProgress::phase)
                .contains(MigrationPhase.CATCH_UP, MigrationPhase.CLOSING, MigrationPhase.CUTOVER,
                        MigrationPhase.BOOK_CLOSED);
        assertThat(progress).extracting(MigrationProgress::eventsCopied).contains((long) chunkSize());
        assertThat(completed).containsExactly(result);
    }

    @Tag("design-6")
    @Test
    void pauseHoldsTheMigrationAndResumeFinishesIt() throws Exception {
        String id = objectWith(4 * chunkSize());
        CountDownLatch firstPage = new CountDownLatch(1);
        CountDownLatch paused = new CountDownLatch(1);
        AtomicInteger before = new AtomicInteger();
        MigrationHandle handle = migrations.forDocument("Order", id)
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (before.incrementAndGet() == 1) {
                        firstPage.countDown();
                        await(paused);
                    }
                }))
                .start();
        await(firstPage);
        handle.pause();
        paused.countDown();
        Awaitility.await("paused").atMost(Duration.ofSeconds(10))
                .until(() -> handle.progress().status() == MigrationStatus.PAUSED);
        assertThat(migrations.get(handle.migrationId()).orElseThrow().status()).isEqualTo(MigrationStatus.PAUSED);
        long copiedWhilePaused = handle.progress().eventsCopied();
        Awaitility.await("nothing copied while paused").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> handle.progress().eventsCopied() == copiedWhilePaused);
        assertThat(handle.isDone()).isFalse();

        handle.resume();
        MigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.statistics().totalEvents()).isEqualTo(4L * chunkSize());
    }

    /** Issue 9 point 4: a cancel that answers true while the migration waits for its lock ends it there. */
    @Tag("design-5.1")
    @Tag("design-6")
    @Test
    void aCancelWhileWaitingForTheLockEndsCancelledAndChangesNothing() throws Exception {
        String id = objectWith(5);
        DistributedLock held = stores.locks().tryAcquire("migration/Order/" + id, Duration.ZERO).orElseThrow();
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withDistributedLock(l -> l.timeout(Duration.ofSeconds(30))).start();
        assertThat(handle.cancel()).isTrue();
        MigrationResult result;
        try {
            result = handle.await(Duration.ofSeconds(5)); // ends without waiting for the lock
        } finally {
            held.close();
        }
        assertThat(result.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(handle.progress().phase()).isEqualTo(MigrationPhase.CANCELLED);
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isFalse();
        assertThat(other.version("order-" + id + "-v2")).isZero();
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id, "main"));
        assertThat(migrations.activeMigrations()).isEmpty();
        streams.open("Order", id).append(note("after cancel"));
    }

    /**
     * Issue 9 point 4: another instance re-runs the same migration while it runs; the migration is cancelled; the
     * re-run, which found its entry, then gets the lock and must not revive it.
     */
    @Tag("design-5")
    @Test
    void aReRunThatFoundTheEntryDoesNotReviveItOnceCancelled() throws Exception {
        String id = objectWith(2 * chunkSize());
        CountDownLatch release = new CountDownLatch(1);
        MigrationHandle original = startHeldAtFirstCopy(id, release);
        MigrationResult reRunResult;
        try (DefaultEventStreamMigrationService secondInstance = new DefaultEventStreamMigrationService(streams,
                stores.locks(), stores.routing())) {
            MigrationHandle reRun = secondInstance.forDocument("Order", id).withTargetStore("other")
                    .withDistributedLock(l -> l.timeout(Duration.ofSeconds(30))).start();
            assertThat(reRun.migrationId()).isEqualTo(original.migrationId());
            assertThat(original.cancel()).isTrue();
            release.countDown();
            assertThat(original.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.CANCELLED);
            reRunResult = reRun.await(Duration.ofSeconds(30));
        }
        assertThat(reRunResult.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(reRunResult.error()).hasMessageContaining("CANCELLED meanwhile");
        assertThat(migrations.get(original.migrationId()).orElseThrow().status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isFalse();
        assertThat(other.version("order-" + id + "-v2")).isZero();

        MigrationResult fresh = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(fresh.isSuccess()).isTrue();
        assertThat(fresh.migrationId()).isNotEqualTo(original.migrationId());
        assertThat(eventIds(id)).hasSize(2 * chunkSize());
    }

    @Tag("design-5.1")
    @Test
    void twoMigrationsOfOneObjectAtOnceExactlyOneRuns() throws Exception {
        String id = objectWith(10);
        CountDownLatch release = new CountDownLatch(1);
        MigrationHandle running = startHeldAtFirstCopy(id, release);

        MigrationResult refused = migrations.forDocument("Order", id).withTargetStream("elsewhere").execute();
        assertThat(refused.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(refused.error()).isInstanceOf(MigrationLockedException.class)
                .hasMessageContaining("migration/Order/" + id);
        assertThat(migrations.get(refused.migrationId())).isEmpty();

        MigrationResult sameAgain = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(sameAgain.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(sameAgain.error()).isInstanceOf(MigrationLockedException.class);

        release.countDown();
        assertThat(running.await(Duration.ofSeconds(30)).isSuccess()).isTrue();
        assertThat(main.version("elsewhere")).isZero();
    }

    @Tag("design-5.1")
    @Test
    void differentObjectsMigrateConcurrently() {
        List<String> ids = IntStream.range(0, 6).mapToObj(i -> objectWith(3 * chunkSize())).toList();
        List<MigrationHandle> handles = ids.stream()
                .map(id -> migrations.forDocument("Order", id).withTargetStore("other").start()).toList();
        assertThat(handles).allSatisfy(h -> assertThat(h.await().isSuccess()).isTrue());
    }

    @Tag("design-6")
    @Tag("design-4.3")
    @Test
    void aTransformerMayMapOneEventToManyOrNone() {
        String id = objectWith(4);
        FunctionTransformer split = FunctionTransformer.many("NoteAdded", e -> e.version() == 2 ? List.of()
                : List.of(e.toEventData(), new EventData(null, "NoteIndexed", 1, "{}", null)));
        MigrationResult result = migrations.forDocument("Order", id).withTransformer(split).execute();
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.statistics().transformedEvents()).isEqualTo(4);
        List<StoredEvent> target = main.read("order-" + id + "-v2", 1, 100);
        assertThat(target).extracting(StoredEvent::type).containsExactly("NoteAdded", "NoteIndexed", "NoteAdded",
                "NoteIndexed", "NoteAdded", "NoteIndexed");
        // the close carries both numberings, so an exact expected version carries over
        CloseEvent close = CloseEvent.from(main.lastEvent("order-" + id));
        assertThat(close.lastSourceVersion()).isEqualTo(4);
        assertThat(close.targetVersionAtClose()).isEqualTo(6);
        EventStream stale = streams.open("Order", id);
        assertThat(stale.append(ExpectedVersion.exactly(6), List.of(note("x"))).newVersion()).isEqualTo(7);
    }

    /**
     * Review fix 2 of b0162af: a re-run after a cutover that died before book closing finishes that migration (same
     * id), instead of migrating its target onwards.
     */
    @Tag("design-5")
    @Tag("design-5.7")
    @Test
    void aReRunAfterACutoverThatDiedBeforeBookClosingFinishesThatMigration() {
        String id = objectWith(7);
        failBookClosing.set(true);
        MigrationResult died = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(died.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));

        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(again.isSuccess()).isTrue();
        assertThat(again.migrationId()).isEqualTo(died.migrationId());
        assertThat(other.version("order-" + id + "-v3")).isZero();
        assertThat(migrations.get(died.migrationId()).orElseThrow().phase()).isEqualTo(MigrationPhase.BOOK_CLOSED);
        assertThat(migrations.activeMigrations()).isEmpty();
    }

    @Tag("design-6")
    @Test
    void dryRunMeasuresAndWritesNothing() {
        String id = objectWith(120);
        MigrationPlan plan = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(FunctionTransformer.of("NoteAdded", StoredEvent::toEventData)).dryRun();
        assertThat(plan.sourceEvents()).isEqualTo(120);
        assertThat(plan.eventsToTransform()).isEqualTo(120);
        assertThat(plan.sourceBytes()).isGreaterThan(120L * 10);
        assertThat(plan.measuredReadsPerSecond()).isPositive();
        assertThat(plan.target()).isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
        assertThat(other.version("order-" + id + "-v2")).isZero();
        assertThat(stores.routing().all()).isEmpty();
    }

    @Tag("design-6")
    @Test
    void unknownStoresAndSameStreamAreRefusedUpFront() {
        String id = objectWith(1);
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withTargetStore("nowhere").start())
                .isInstanceOf(dev.es.engine.store.UnknownStoreException.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withTargetStream("order-" + id).start())
                .isInstanceOf(MigrationException.class).hasMessageContaining("same stream");
        assertThatThrownBy(() -> migrations.forDocument("Order", "missing").start())
                .isInstanceOf(MigrationException.class).hasMessageContaining("no document");
        assertThat(MigrationEndpoints.nextStreamId("order-7-v9")).isEqualTo("order-7-v10");
    }

    // ---------------------------------------------------------------- the review fixes of b0162af, one test each
    // (docs/testing.md, "The migration review fixes and their tests")

    /**
     * Review fix 1 (no discard without the lock): a cancel asked after the lock was lost must not delete the target:
     * a newer holder may already have closed the source toward it. The run stops on the lost lock, target kept.
     */
    @Tag("design-5.1")
    @Tag("design-6")
    @Test
    void reviewFix1_aCancelAfterTheLockWasLostDoesNotDiscardTheTarget() throws Exception {
        String id = objectWith(2 * chunkSize() + 3);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger copied = new AtomicInteger();
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onEventCopied(e -> {
                    if (copied.incrementAndGet() == chunkSize()) {
                        holding.countDown();
                        await(release); // the next thing the run does is its checkpoint before the next page
                    }
                }))
                .start();
        MigrationResult result;
        try {
            await(holding);
            lockValid.set(false);
            assertThat(handle.cancel()).isTrue();
        } finally {
            release.countDown();
        }
        result = handle.await(Duration.ofSeconds(30));

        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasCauseInstanceOf(LockLostException.class);
        assertThat(other.version("order-" + id + "-v2")).as("the target is kept").isEqualTo(chunkSize());
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isFalse();
    }

    /**
     * Review fix 1 (no discard after a possible close): once a close append's outcome was unknown (and it is not
     * there yet: it may still land), the migration refuses a cancel, so its target is never discarded under a close
     * that names it; it goes on and finishes.
     */
    @Tag("design-6")
    @Tag("design-4.4")
    @Test
    void reviewFix1_noCancelOnceACloseMayHaveBeenWritten() throws Exception {
        String id = objectWith(10);
        main.failOn(1, b -> b.get(b.size() - 1).isCloseEvent(), FaultInjectingEventStore.When.BEFORE_WRITE);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.catchUpDelay(Duration.ofSeconds(2)))
                .start();
        Awaitility.await("the close's outcome unknown, back in catch-up").atMost(Duration.ofSeconds(20))
                .until(() -> main.faults() == 1 && handle.progress().phase() == MigrationPhase.CATCH_UP);

        assertThat(handle.cancel()).as("cancel after an unknown close").isFalse();
        MigrationResult result = handle.await(Duration.ofSeconds(30));

        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        assertThat(other.version("order-" + id + "-v2")).isEqualTo(10);
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
    }

    /**
     * Review fix 3 (PAUSE_SOURCE never past {@code maxSourcePause}): a burst of writes lands just as catch-up
     * converges, more than the copy can do in one hold; each copy under the writers' hold stops at
     * {@code maxSourcePause} (plus the page in flight), lifts the hold and tries again, instead of holding on until
     * the whole backlog is copied.
     */
    @Tag("design-5.5")
    @Test
    void reviewFix3_theCopyUnderTheWriterHoldStopsAtMaxSourcePause() {
        String id = objectWith(20);
        String source = "order-" + id;
        int burst = 1200;
        AtomicBoolean burstPending = new AtomicBoolean(true);
        AtomicInteger iteration = new AtomicInteger();
        java.util.Map<Integer, long[]> appendSpans = new java.util.concurrent.ConcurrentHashMap<>();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.closeTimeout(Duration.ofMillis(1))
                        .onConvergenceFailure(ConvergenceFailureStrategy.PAUSE_SOURCE)
                        .maxSourcePause(Duration.ofMillis(300))
                        .onEventCopied(e -> {
                            if (e.version() == 20 && burstPending.getAndSet(false)) {
                                main.append(source, ExpectedVersion.any(), IntStream.range(0, burst)
                                        .mapToObj(i -> note("burst" + i)).toList());
                            }
                        })
                        // past the first iteration catch-up is overdue and copies nothing: what is appended between
                        // two iterations is the copy under one hold
                        .onCatchUpProgress(p -> iteration.set(p.iteration()))
                        .onBeforeAppend(e -> {
                            long now = System.nanoTime();
                            appendSpans.computeIfAbsent(iteration.get(), k -> new long[] {now, now})[1] = now;
                            sleep(2);
                        }))
                .execute();

        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        assertThat(other.version(source + "-v2")).isEqualTo(20 + burst);
        appendSpans.remove(0); // the first catch-up, before any hold
        appendSpans.forEach((it, span) -> assertThat((span[1] - span[0]) / 1_000_000)
                .as("ms copying under the hold of iteration %d", it).isLessThan(1_000));
        assertThat(appendSpans).as("the backlog copied under several holds").hasSizeGreaterThan(1);
    }

    /**
     * Review fix 3 (a pause waits until the writers' hold is lifted): a pause asked while the migration copies under
     * the hold takes effect only once the hold is lifted, so a paused migration never keeps writers waiting.
     */
    @Tag("design-5.5")
    @Tag("design-6")
    @Test
    void reviewFix3_aPauseAskedUnderTheWriterHoldNeverKeepsWritersWaiting() throws Exception {
        String id = objectWith(20);
        String source = "order-" + id;
        AtomicBoolean burstPending = new AtomicBoolean(true);
        AtomicInteger iteration = new AtomicInteger();
        AtomicBoolean pauseAsked = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<MigrationHandle> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.closeTimeout(Duration.ofMillis(1))
                        .onConvergenceFailure(ConvergenceFailureStrategy.PAUSE_SOURCE)
                        .maxSourcePause(Duration.ofSeconds(6))
                        .onEventCopied(e -> {
                            if (e.version() == 20 && burstPending.getAndSet(false)) {
                                main.append(source, ExpectedVersion.any(), IntStream.range(0, 100)
                                        .mapToObj(i -> note("burst" + i)).toList());
                            }
                        })
                        .onCatchUpProgress(p -> iteration.set(p.iteration()))
                        .onBeforeAppend(e -> {
                            await(started);
                            if (iteration.get() >= 1 && pauseAsked.compareAndSet(false, true)) {
                                self.get().pause(); // under the hold: the first iteration's catch-up is overdue
                            }
                            sleep(1);
                        }))
                .start();
        self.set(handle);
        started.countDown();
        Awaitility.await("the pause to take effect, or the migration to end").atMost(Duration.ofSeconds(30))
                .until(() -> pauseAsked.get()
                        && (handle.isDone() || handle.progress().status() == MigrationStatus.PAUSED));

        long before = System.nanoTime();
        streams.open("Order", id).append(note("probe"));
        long waitedMillis = (System.nanoTime() - before) / 1_000_000;
        assertThat(waitedMillis).as("ms a writer waited while the migration is paused").isLessThan(2_000);

        handle.resume();
        MigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        try (var all = streams.open("Order", id).readAll()) {
            assertThat(all.count()).isEqualTo(20 + 100 + 1);
        }
    }

    /**
     * Review fix 5 (FAIL tries the close first): under {@code FAIL}, a catch-up that became overdue while copying
     * but has caught up still tries its close, which wins when no writer interferes, instead of giving up.
     */
    @Tag("design-5.5")
    @Test
    void reviewFix5_failStrategyTriesTheCloseBeforeGivingUp() {
        String id = objectWith(10);
        AtomicInteger copied = new AtomicInteger();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.closeTimeout(Duration.ofMillis(20))
                        .onConvergenceFailure(ConvergenceFailureStrategy.FAIL)
                        .onEventCopied(e -> {
                            if (copied.incrementAndGet() == 10) {
                                sleep(200); // past the close timeout once caught up
                            }
                        }))
                .execute();

        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isTrue();
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
    }

    /**
     * Review fix 6 (no cancel on the cutover-only path): a re-run that finds its close already written only cuts over;
     * a cancel asked meanwhile is refused (answering true would be a lie: the object is moving to the target).
     */
    @Tag("design-5")
    @Tag("design-6")
    @Test
    void reviewFix6_aReRunThatOnlyCutsOverRefusesACancel() throws Exception {
        String id = objectWith(10);
        main.crashOn(1, b -> b.get(b.size() - 1).isCloseEvent(), FaultInjectingEventStore.When.AFTER_WRITE);
        MigrationResult crashed = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(crashed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).as("the close was written").isTrue();

        CountDownLatch atCutover = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        documents.beforeUpdate(d -> d.active().store().equals("other"), () -> {
            atCutover.countDown();
            await(release);
        });
        MigrationHandle reRun = migrations.forDocument("Order", id).withTargetStore("other").start();
        try {
            await(atCutover);
            assertThat(reRun.cancel()).as("cancel during the cutover-only re-run").isFalse();
        } finally {
            release.countDown();
        }
        MigrationResult result = reRun.await(Duration.ofSeconds(30));

        assertThat(result.isSuccess()).as("%s", result.error()).isTrue();
        assertThat(result.migrationId()).isEqualTo(crashed.migrationId());
        assertThat(other.version("order-" + id + "-v2")).isEqualTo(10);
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id + "-v2", "other"));
    }
}
