package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.document.ObjectDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.store.UnknownStoreException;

/** The bulk-migration scenarios on the in-memory stores, smaller. */
class InMemoryBulkMigrationTest extends AbstractBulkMigrationTest {

    @Override
    protected MigrationTestStores createStores() {
        return new MigrationTestStores(new InMemoryEventStore("main"), new InMemoryEventStore("other"),
                new InMemoryDocumentStore(), new InMemoryTagStore(), new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable());
    }

    @Override
    protected int storeWideObjects() {
        return 300;
    }

    @Override
    protected int sharedObjects() {
        return 200;
    }

    @Test
    void forTagTakesOnlyTaggedDocumentsAndTargetStreamIdNamesEachTarget() {
        String name = uniqueObjectName();
        List<String> ids = createObjects(name, 10, new HashMap<>());
        for (int i = 0; i < 10; i += 2) {
            streams.open(name, ids.get(i)).tag("tenant-a");
        }
        BulkMigrationResult result = migrations.forTag(name, "tenant-a").targetStore("other")
                .targetStreamId(d -> "moved-" + d.objectId()).execute();
        assertThat(result.isSuccess()).isTrue();
        assertThat(result.migrated()).isEqualTo(5);
        for (int i = 0; i < 10; i++) {
            ObjectDocument document = streams.documents().get(name, ids.get(i)).orElseThrow();
            if (i % 2 == 0) {
                assertThat(document.active().streamId()).isEqualTo("moved-" + ids.get(i));
                assertThat(document.active().store()).isEqualTo("other");
            } else {
                assertThat(document.active().store()).isEqualTo("main");
            }
        }
    }

    @Test
    void forStoreTakesEveryObjectNameButOnlyDocumentsActiveInThatStore() {
        String orders = uniqueObjectName();
        String invoices = uniqueObjectName();
        createObjects(orders, 5, new HashMap<>());
        List<String> invoiceIds = createObjects(invoices, 5, new HashMap<>());
        migrations.forDocument(invoices, invoiceIds.get(0)).withTargetStore("other").execute();

        BulkMigrationResult result = migrations.forStore("main").targetStore("other").execute();
        assertThat(result.migrated()).isEqualTo(9);
        assertThat(streams.documents().objectNames()).allSatisfy(objectName ->
                assertThat(streams.documents().objectIds(objectName)).allSatisfy(id ->
                        assertThat(streams.documents().get(objectName, id).orElseThrow().active().store())
                                .isEqualTo("other")));
        assertThatThrownBy(() -> migrations.forStore("nowhere")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void forDocumentsKnowsWhatRemainsAndReportsProgressAndAnEstimate() {
        String name = uniqueObjectName();
        List<String> ids = createObjects(name, 20, new HashMap<>());
        List<ObjectDocument> documents = ids.stream()
                .map(id -> streams.documents().get(name, id).orElseThrow()).toList();
        List<BulkMigrationProgress> reports = Collections.synchronizedList(new ArrayList<>());
        BulkMigrationResult result = migrations.forDocuments(documents).targetStore("other").maxConcurrency(2)
                .progressInterval(Duration.ZERO).onBulkProgress(reports::add).execute();
        assertThat(result.migrated()).isEqualTo(20);
        assertThat(result.events()).isEqualTo(60);
        assertThat(reports).allSatisfy(p -> assertThat(p.remaining()).isNotNull());
        assertThat(reports).anySatisfy(p -> assertThat(p.eta()).isNotNull());
        BulkMigrationProgress last = reports.get(reports.size() - 1);
        assertThat(last.done()).isEqualTo(20);
        assertThat(last.remaining()).isZero();
        assertThat(last.events()).isEqualTo(60);
    }

    @Test
    void aNullDocumentOrAnUnknownTargetStoreIsRefusedAndANullInALazySelectionFailsTheRun() {
        String name = uniqueObjectName();
        List<String> ids = createObjects(name, 3, new HashMap<>());
        List<ObjectDocument> withNull = new ArrayList<>();
        withNull.add(streams.documents().get(name, ids.get(0)).orElseThrow());
        withNull.add(null);
        withNull.add(streams.documents().get(name, ids.get(2)).orElseThrow());

        assertThatThrownBy(() -> migrations.forDocuments(withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 1 is null");
        assertThatThrownBy(() -> migrations.forTag(name, "bad tag"))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> migrations.forObjectName(name).targetStore("nowhere").start())
                .isInstanceOf(UnknownStoreException.class).hasMessageContaining("nowhere");
        assertThat(ids).allSatisfy(id -> assertThat(streams.documents().get(name, id).orElseThrow().active().store())
                .isEqualTo("main"));

        // a stream is only met while the run takes it: the null ends the run FAILED, never COMPLETED without the rest
        BulkMigrationResult result = migrations.forDocuments(withNull.stream()).targetStore("other")
                .maxConcurrency(1).execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.migrated()).isEqualTo(1);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.error())
                .hasMessageContaining("document 1 of given documents is null"));
    }

    @Test
    void aRunnerThatReadItsRunsMigrationUnfinishedAndFindsItCompletedSkipsTheObject() {
        // the race two runners of one bulk run can meet: runner B reads the document after runner A's cutover and
        // A's entry before A recorded it completed; by B's launch A is done, so settling the entries finds it
        // COMPLETED. B must find the object migrated, not move it on from A's target to a third stream.
        String name = uniqueObjectName();
        String id = createObjects(name, 1, new HashMap<>()).get(0);
        BulkMigrationResult first = migrations.forObjectName(name).bulkRunId("race-" + name).targetStore("other")
                .execute();
        assertThat(first.migrated()).isEqualTo(1);
        ObjectDocument moved = streams.documents().get(name, id).orElseThrow();
        MigrationEntry done = stores.routing().forObject(name, id).get(0);
        assertThat(done.status()).isEqualTo(MigrationStatus.COMPLETED);
        MigrationEntry asReadBefore = done.with(MigrationPhase.CUTOVER, MigrationStatus.IN_PROGRESS,
                done.updatedAt());

        MigrationBuilder builder = migrations.forDocument(name, id).withTargetStore("other");
        builder.bulkRunId = "race-" + name;
        builder.expectedActive = moved.active();
        builder.prefetched = new DefaultEventStreamMigrationService.Prefetched(java.util.Optional.of(moved),
                List.of(asReadBefore));
        MigrationHandle handle = builder.start();
        MigrationResult outcome = handle.await();

        assertThat(outcome.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(((LiveMigration) handle).foundCompleted()).as("found completed, so the run skips it").isTrue();
        assertThat(streams.documents().get(name, id).orElseThrow().active()).isEqualTo(moved.active());
        assertThat(stores.routing().forObject(name, id)).hasSize(1);
    }

    @Test
    void partitionsSplitTheObjectsWithoutOverlap() {
        String name = uniqueObjectName();
        List<String> ids = createObjects(name, 40, new HashMap<>());
        Set<String> seen = new HashSet<>();
        long migrated = 0;
        for (int i = 0; i < 3; i++) {
            List<String> mine = Collections.synchronizedList(new ArrayList<>());
            BulkMigrationResult result = migrations.forObjectName(name).bulkRunId("parts-" + name)
                    .partition(i, 3).targetStore("other")
                    .eachObject(b -> b.withProgress(p -> p.onCompleted(r -> mine.add(r.migrationId()))))
                    .execute();
            migrated += result.migrated();
            assertThat(result.skipped()).isZero();
            assertThat(seen.addAll(mine)).isTrue();
        }
        assertThat(migrated).isEqualTo(40);
        assertThat(seen).hasSize(40);
        assertThatThrownBy(() -> migrations.forObjectName(name).partition(3, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutContinueOnErrorTheFirstFailureStopsTheRunAndARerunWithTheSameIdFinishesIt() {
        String name = uniqueObjectName();
        List<String> ids = createObjects(name, 30, new HashMap<>());
        streams.open(name, ids.get(0)).append(note("poison-first"));
        BulkMigrationResult stopped = migrations.forObjectName(name).bulkRunId("stop-" + name)
                .targetStore("other").maxConcurrency(1).transformer(poisonedOn("poison-")).execute();
        assertThat(stopped.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(stopped.failed()).isEqualTo(1);
        assertThat(stopped.migrated()).isLessThan(29);

        // fixed transformer, same run: the rest is migrated, the migrated ones skipped, the failed one resumed
        BulkMigrationResult rerun = migrations.forObjectName(name).bulkRunId("stop-" + name)
                .targetStore("other").maxConcurrency(3).execute();
        assertThat(rerun.isSuccess()).isTrue();
        assertThat(rerun.skipped()).isEqualTo(stopped.migrated());
        assertThat(rerun.migrated() + stopped.migrated()).isEqualTo(30);
        for (String id : ids) {
            assertThat(completedEntries(name, id)).as(id).isEqualTo(1);
        }
    }

    @Test
    void pauseStopsTakingObjectsUntilResumed() throws Exception {
        String name = uniqueObjectName();
        createObjects(name, 30, new HashMap<>());
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch pauseAsked = new CountDownLatch(1);
        // the first object's completion waits for the pause: on warm memory stores the other 29 would otherwise be
        // migrated (in a few milliseconds) before this thread got to pause()
        BulkMigrationHandle handle = migrations.forObjectName(name).targetStore("other").maxConcurrency(1)
                .eachObject(b -> b.withProgress(p -> p.onCompleted(r -> {
                    firstDone.countDown();
                    try {
                        pauseAsked.await(10, TimeUnit.SECONDS); // no assertion here: it would stop the run's thread
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))).start();
        assertThat(firstDone.await(10, TimeUnit.SECONDS)).isTrue();
        handle.pause();
        pauseAsked.countDown();
        // once what was under way settled, nothing more is taken while paused: the count holds still for 300 ms
        AtomicLong seen = new AtomicLong(-1);
        Awaitility.await("nothing taken while paused").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                .until(() -> {
                    long now = handle.progress().migrated();
                    return seen.getAndSet(now) == now;
                });
        assertThat(handle.isDone()).isFalse();
        assertThat(migrations.runningBulkMigrations()).contains(handle);
        handle.resume();
        BulkMigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.migrated()).isEqualTo(30);
        assertThat(migrations.runningBulkMigrations()).doesNotContain(handle);
    }

    @Test
    void anObjectLockedByAnotherMigrationIsMigratedOnceTheLockIsFree() throws Exception {
        String name = uniqueObjectName();
        List<String> ids = createObjects(name, 5, new HashMap<>());
        try (var held = stores.locks().tryAcquire(MigrationDefinition.lockKey(name, ids.get(2)), Duration.ZERO)
                .orElseThrow()) {
            BulkMigrationHandle handle = migrations.forObjectName(name).targetStore("other").start();
            Awaitility.await("the four free objects").atMost(Duration.ofSeconds(30))
                    .until(() -> handle.progress().migrated() >= 4);
            Awaitility.await("the locked object to wait").during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                    .until(() -> !handle.isDone());
        }
        BulkMigrationResult result = migrations.runningBulkMigrations().isEmpty() ? null
                : migrations.runningBulkMigrations().get(0).await(Duration.ofSeconds(30));
        assertThat(result).isNotNull();
        assertThat(result.migrated()).isEqualTo(5);
        assertThat(result.failed()).isZero();
    }
}
