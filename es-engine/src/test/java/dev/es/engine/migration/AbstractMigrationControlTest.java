package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStream;
import dev.es.engine.transform.FunctionTransformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The control scenarios that depend on what a store does, run on every store: a cancel before the close (target
 * discarded), the close won by pausing the source, a lost lock, a throwing transformer, a source already closed by
 * hand, and a document changed (tagged) during the cutover. Each is tagged with the design section it proves.
 * {@code MigrationControlTest} runs them on memory with the memory-only control scenarios; {@code
 * jdbc.JdbcMigrationControlTest} and {@code blob.BlobMigrationControlTest} on PostgreSQL and Azure Blob.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class AbstractMigrationControlTest extends LiveMigrationFixture {

    /** Whether the locks of {@link LosableLocks} are still valid; a test sets it false as a lost lease would. */
    protected final AtomicBoolean lockValid = new AtomicBoolean(true);

    /** Wraps the store's lock provider so that its locks turn invalid when the test says so. */
    @Override
    protected MigrationTestStores decorate(MigrationTestStores created) {
        return new MigrationTestStores(created.main(), created.other(), created.documents(), created.tags(),
                new LosableLocks(created.locks()), created.routing());
    }

    /** A lock provider whose locks turn invalid when {@link #lockValid} is false, as a lost lease would. */
    private final class LosableLocks implements DistributedLockProvider {
        private final DistributedLockProvider delegate;

        LosableLocks(DistributedLockProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<DistributedLock> tryAcquire(String key, Duration maxWait) {
            return delegate.tryAcquire(key, maxWait).map(lock -> new DistributedLock() {
                @Override
                public String key() {
                    return lock.key();
                }

                @Override
                public long fencingToken() {
                    return lock.fencingToken();
                }

                @Override
                public boolean isValid() {
                    return lockValid.get() && lock.isValid();
                }

                @Override
                public void close() {
                    lock.close();
                }
            });
        }

        @Override
        public boolean isLocked(String key) {
            return delegate.isLocked(key);
        }
    }

    /** A writer appending as fast as it can (with a 1 ms breath) until stopped; counts its errors. */
    protected Thread hammer(String id, AtomicBoolean stop, List<Throwable> errors, AtomicInteger written) {
        Thread t = new Thread(() -> {
            EventStream stream = streams.open("Order", id);
            try {
                while (!stop.get()) {
                    stream.append(note("h" + written.get()));
                    written.incrementAndGet();
                    Thread.sleep(1);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void anIdNoMigrationCanHaveIsAnsweredAsUnknownTheSameOnEveryStore() {
        for (String id : java.util.Arrays.asList(null, "", "x".repeat(150), "a\0b", "../entries", "has space")) {
            String as = String.valueOf(id).replace('\0', '?');
            assertThat(migrations.get(id)).as(as).isEmpty();
            assertThat(migrations.handle(id)).as(as).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> migrations.resume(id)).as(as)
                    .isInstanceOf(MigrationException.class).hasMessageContaining("no such migration");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> migrations.rollback(id)).as(as)
                    .isInstanceOf(RollbackRefusedException.class).hasMessageContaining("no such migration");
        }
    }

    @Test
    @Tag("design-5.5")
    @DisplayName("design 5.5: PAUSE_SOURCE wins the close under a busy writer without dropping a write")
    void pauseSourceStrategyWinsTheCloseWithoutDroppingWrites() throws Exception {
        String id = objectWith(50);
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger written = new AtomicInteger();
        Thread writer = hammer(id, stop, errors, written);

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.closeTimeout(Duration.ofMillis(500))
                        .onConvergenceFailure(ConvergenceFailureStrategy.PAUSE_SOURCE)
                        .maxSourcePause(Duration.ofSeconds(10))
                        .onBeforeAppend(e -> sleep(2)))
                .execute();
        int after = written.get();
        Awaitility.await("the writer to go on after the migration").atMost(Duration.ofSeconds(30))
                .until(() -> written.get() >= after + 5 || !errors.isEmpty());
        stop.set(true);
        writer.join(60_000);
        assertThat(writer.isAlive()).as("the writer stopped").isFalse();

        assertThat(result.isSuccess()).as("%s", result).isTrue();
        assertThat(errors).isEmpty();
        try (var all = streams.open("Order", id).readAll()) {
            assertThat(all.count()).isEqualTo(50L + written.get());
        }
        assertThat(documents.get("Order", id).orElseThrow().active().store()).isEqualTo("other");
    }

    @Test
    @Tag("design-6")
    @DisplayName("design 6: cancel before the close leaves the source untouched and discards the target")
    void cancelBeforeTheCloseLeavesTheSourceUntouchedAndDiscardsTheTarget() throws Exception {
        String id = objectWith(2 * chunkSize() + 3);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger appends = new AtomicInteger();
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (appends.incrementAndGet() == chunkSize() + 1) {
                        holding.countDown();
                        await(release);
                    }
                }))
                .start();
        await(holding);
        assertThat(other.version("order-" + id + "-v2")).as("a page copied before the cancel")
                .isEqualTo(chunkSize());
        assertThat(handle.cancel()).isTrue();
        release.countDown();
        MigrationResult result = handle.await(Duration.ofSeconds(30));

        assertThat(result.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(main.version("order-" + id)).isEqualTo(2L * chunkSize() + 3);
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isFalse();
        assertThat(other.version("order-" + id + "-v2")).isZero();
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id, "main"));
        assertThat(migrations.get(result.migrationId()).orElseThrow().phase()).isEqualTo(MigrationPhase.CANCELLED);
        assertThat(handle.cancel()).isFalse();
        streams.open("Order", id).append(note("after cancel"));
    }

    @Test
    @Tag("design-5.1")
    @Tag("design-9.2")
    @DisplayName("design 5.1, 9.2: a lost lock stops the migration before its next write")
    void aLostLockStopsTheMigrationBeforeItsNextWrite() {
        String id = objectWith(3 * chunkSize());
        AtomicInteger appended = new AtomicInteger();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (appended.incrementAndGet() == chunkSize() + 1) {
                        lockValid.set(false);
                    }
                }))
                .execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasCauseInstanceOf(LockLostException.class);
        assertThat(other.version("order-" + id + "-v2")).isEqualTo(chunkSize());
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isFalse();

        lockValid.set(true);
        assertThat(migrations.forDocument("Order", id).withTargetStore("other").execute().isSuccess()).isTrue();
        assertThat(eventIds(id)).hasSize(3 * chunkSize());
    }

    @Test
    @Tag("design-9.5")
    @DisplayName("design 9.5: a throwing transformer fails the migration before the close unless skipping is chosen")
    void aThrowingTransformerFailsBeforeTheCloseUnlessSkippingIsChosen() {
        String id = objectWith(10);
        FunctionTransformer broken = FunctionTransformer.of("NoteAdded", e -> {
            if (e.version() == 4) {
                throw new IllegalArgumentException("cannot read v4");
            }
            return e.toEventData();
        });
        MigrationResult failed = migrations.forDocument("Order", id).withTransformer(broken).execute();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(failed.error()).hasMessageContaining("transformer failed").hasMessageContaining("version 4");
        assertThat(main.lastEvent("order-" + id).isCloseEvent()).isFalse();
        streams.open("Order", id).append(note("still writable"));

        String id2 = objectWith(10);
        MigrationResult skipped = migrations.forDocument("Order", id2).withTransformer(broken)
                .onTransformFailure(TransformFailurePolicy.SKIP_AND_RECORD).execute();
        assertThat(skipped.isSuccess()).isTrue();
        assertThat(skipped.skippedEvents()).singleElement().satisfies(s -> {
            assertThat(s.sourceVersion()).isEqualTo(4);
            assertThat(s.error()).contains("cannot read v4");
        });
        assertThat(main.version("order-" + id2 + "-v2")).isEqualTo(9);
    }

    @Test
    @Tag("design-5")
    @DisplayName("design 5: a source already closed by hand is cut over to its continuation")
    void aSourceAlreadyClosedByHandIsCutOverToItsContinuation() {
        String id = objectWith(5);
        main.append("order-" + id, ExpectedVersion.exactly(5), List.of(
                new CloseEvent("order-" + id + "-moved", "other", "by hand", null, 5, 0, Instant.now()).toEventData()));

        MigrationResult result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> migrations.forDocument("Order", id).execute());
        assertThat(result.isSuccess()).as("%s", result).isTrue();
        assertThat(documents.get("Order", id).orElseThrow().active())
                .isEqualTo(new StreamPointer("order-" + id + "-moved", "other"));
    }

    @Test
    @Tag("design-5")
    @DisplayName("design 5: a source closed toward another target, or without a continuation, fails clearly")
    void aSourceClosedTowardAnotherTargetFailsClearlyWithoutLooping() {
        String id = objectWith(5);
        main.append("order-" + id, ExpectedVersion.exactly(5), List.of(
                new CloseEvent("somewhere", "other", "by hand", null, 5, 0, Instant.now()).toEventData()));
        MigrationResult result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> migrations.forDocument("Order", id).withTargetStream("order-new").execute());
        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasMessageContaining("already closed").hasMessageContaining("somewhere");

        String id2 = objectWith(2);
        main.append("order-" + id2, ExpectedVersion.exactly(2), List.of(
                new CloseEvent(null, null, "end of life", null, 2, 0, Instant.now()).toEventData()));
        MigrationResult noContinuation = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> migrations.forDocument("Order", id2).execute());
        assertThat(noContinuation.error()).hasMessageContaining("without a continuation");
    }

    /**
     * Design section 5 point 6 and section 9 point 4: another process tags the document twice while the cutover
     * compare-and-sets it. Each time the store refuses the cutover's stale etag; the cutover re-reads and re-applies,
     * and the document ends on the target with both tags.
     */
    @Test
    @Tag("design-5.6")
    @Tag("design-9.4")
    @DisplayName("design 5.6, 9.4: a tag added during the cutover is kept; the cutover re-reads and retries")
    void aTagAddedDuringTheCutoverIsKeptAndTheCutoverRetries() {
        String id = objectWith(10);
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
        AtomicInteger tagged = new AtomicInteger();
        documents.beforeUpdate(d -> d.objectId().equals(id) && d.active().equals(target) && tagged.get() < 2,
                () -> streams.open("Order", id).tag("during-cutover-" + tagged.incrementAndGet(), "yes"));

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();

        assertThat(result.isSuccess()).as("%s", result).isTrue();
        assertThat(tagged.get()).isEqualTo(2);
        assertThat(documents.staleUpdates()).as("cutover attempts refused for a stale etag").isEqualTo(2);
        ObjectDocument document = documents.get("Order", id).orElseThrow();
        assertThat(document.active()).isEqualTo(target);
        assertThat(document.tags()).containsEntry("during-cutover-1", "yes").containsEntry("during-cutover-2", "yes");
        assertThat(document.terminatedStreams()).singleElement().satisfies(t -> {
            assertThat(t.pointer()).isEqualTo(new StreamPointer("order-" + id, "main"));
            assertThat(t.continuationStreamId()).isEqualTo(target.streamId());
        });
        assertThat(streams.documentsWithTag("Order", "during-cutover-2")).contains(id);
        EventData after = note("after");
        AppendResult landed = streams.open("Order", id).append(ExpectedVersion.exactly(10), List.of(after));
        assertThat(landed.store()).isEqualTo("other");
        assertThat(eventIds(id)).hasSize(11).endsWith(after.eventId());
    }

    /**
     * Design section 5 point 6: the cutover compare-and-sets the document the protocol read before the catch-up,
     * without reading it again. Tagged by another process during the catch-up, the document has a newer etag: the
     * store refuses that one attempt, the cutover reads the document and switches it, keeping the tag.
     */
    @Test
    @Tag("design-5.6")
    @DisplayName("design 5.6: a tag added during the catch-up is kept; the cutover reads the document again")
    void aTagAddedDuringTheCatchUpIsKeptByTheCutover() {
        String id = objectWith(10);
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
        AtomicInteger tagged = new AtomicInteger();

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    if (tagged.getAndIncrement() == 0) {
                        streams.open("Order", id).tag("during-catch-up", "yes");
                    }
                }))
                .execute();

        assertThat(result.isSuccess()).as("%s", result).isTrue();
        assertThat(tagged.get()).isPositive();
        assertThat(documents.staleUpdates()).as("the cutover's attempt on the document read before the tag")
                .isEqualTo(1);
        ObjectDocument document = documents.get("Order", id).orElseThrow();
        assertThat(document.active()).isEqualTo(target);
        assertThat(document.tags()).containsEntry("during-catch-up", "yes");
        assertThat(document.terminatedStreams()).singleElement()
                .satisfies(t -> assertThat(t.continuationStreamId()).isEqualTo(target.streamId()));
    }
}
