package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.transform.EventTransformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One bulk run in this process: {@code maxConcurrency} workers of its own take documents from one shared cursor
 * (read page by page) and run each object's live migration through the service, waiting for it. An object is
 * <ul>
 *   <li>skipped when this bulk run already migrated it (a COMPLETED routing entry whose audit trail carries the
 *   run's tag), when its document is gone, or when it is no longer selected;</li>
 *   <li>put back for later when its lock is held by another migration (another instance of the run, or any other) or
 *   its active stream changed before the lock was taken ({@link MigrationSupersededException}): looked at again,
 *   it is usually found migrated by this run, and skipped;</li>
 *   <li>migrated otherwise: the migration is told the active stream the document had
 *   ({@link MigrationDefinition#expectedActive()}) and ends without changing anything when another run moved it
 *   in between.</li>
 * </ul>
 * It holds one document per worker, the objects put back for later and the first failures: never the selection.
 */
final class BulkMigration implements BulkMigrationHandle {

    private static final Logger log = LoggerFactory.getLogger(BulkMigration.class);
    /** The MDC key of the bulk run id on a worker's thread. */
    static final String MDC_KEY = "es.bulkRunId";
    /** How long a worker waits before it looks at an object put back for later again. */
    private static final long RETRY_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The fixed description of a run, from its builder. */
    record Settings(String bulkRunId, String selection, @Nullable String targetStore,
                    @Nullable Function<ObjectDocument, String> targetStreamId, @Nullable EventTransformer transformer,
                    Consumer<MigrationBuilder> eachObject, int maxConcurrency, boolean continueOnError,
                    Consumer<BulkMigrationProgress> onBulkProgress, Duration progressInterval, int partition,
                    int partitions, Duration lockRetryTimeout) {
    }

    /** An object to look at again later, since when, and when next. */
    private record Deferred(String objectName, String objectId, long since, long notBefore) {
    }

    private final Settings settings;
    private final DefaultEventStreamMigrationService service;
    private final Iterator<ObjectDocument> cursor;
    private final Predicate<ObjectDocument> stillSelected;
    private final @Nullable Long size;
    private final Queue<Deferred> deferred = new ConcurrentLinkedQueue<>();
    private final Set<MigrationHandle> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong migrated = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();
    private final List<BulkObjectFailure> failures = new ArrayList<>();
    private final CompletableFuture<BulkMigrationResult> result = new CompletableFuture<>();
    private final long startedNanos = System.nanoTime();
    private final AtomicLong lastProgressNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean cursorDone;
    private volatile boolean paused;
    private volatile boolean cancelRequested;
    private volatile boolean stopped;

    BulkMigration(Settings settings, DefaultEventStreamMigrationService service, Iterator<ObjectDocument> cursor,
                  Predicate<ObjectDocument> stillSelected, @Nullable Long size) {
        this.settings = settings;
        this.service = service;
        this.cursor = cursor;
        this.stillSelected = stillSelected;
        this.size = size;
    }

    /** The tag a bulk run leaves in the audit detail of each object migration it starts. */
    static String auditTag(String bulkRunId) {
        return "[bulk run " + bulkRunId + "]";
    }

    /** Whether {@code entry} is a migration started by bulk run {@code bulkRunId}. */
    static boolean ofRun(MigrationEntry entry, String bulkRunId) {
        String tag = auditTag(bulkRunId);
        return entry.audit().stream().anyMatch(a -> a.detail() != null && a.detail().contains(tag));
    }

    /** Starts the workers on threads of their own. */
    void start() {
        log.info("Bulk migration {} of {} started: concurrency {}, partition {} of {}", settings.bulkRunId(),
                settings.selection(), settings.maxConcurrency(), settings.partition(), settings.partitions());
        AtomicInteger left = new AtomicInteger(settings.maxConcurrency());
        for (int i = 0; i < settings.maxConcurrency(); i++) {
            Thread worker = new Thread(() -> {
                MDC.put(MDC_KEY, settings.bulkRunId());
                try {
                    work();
                } catch (RuntimeException | Error e) {
                    log.error("Bulk migration {}: a worker died", settings.bulkRunId(), e);
                    stopped = true;
                } finally {
                    MDC.remove(MDC_KEY);
                    if (left.decrementAndGet() == 0) {
                        finish();
                    }
                }
            }, "es-bulk-" + settings.bulkRunId() + "-" + i);
            worker.setDaemon(true);
            worker.start();
        }
    }

    // ---------------------------------------------------------------- the workers

    private void work() {
        while (true) {
            if (cancelRequested || stopped) {
                return;
            }
            if (paused) {
                sleep(50);
                continue;
            }
            busy.incrementAndGet();
            try {
                ObjectDocument document = nextDocument();
                if (document != null) {
                    migrate(document.objectName(), document.objectId(), System.nanoTime());
                    continue;
                }
                Deferred later = deferred.poll();
                if (later != null) {
                    long wait = later.notBefore() - System.nanoTime();
                    if (wait > 0) {
                        deferred.add(later);
                        sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(wait, RETRY_DELAY_NANOS))));
                    } else {
                        migrate(later.objectName(), later.objectId(), later.since());
                    }
                    continue;
                }
            } finally {
                busy.decrementAndGet();
            }
            // the cursor is done and nothing waits; another worker may still put an object back
            if (busy.get() == 0 && deferred.isEmpty()) {
                return;
            }
            sleep(10);
        }
    }

    private @Nullable ObjectDocument nextDocument() {
        synchronized (cursor) {
            while (!cursorDone) {
                if (!cursor.hasNext()) {
                    cursorDone = true;
                    return null;
                }
                ObjectDocument next = cursor.next();
                if (next == null) {
                    // never read as the end of the selection: the objects after it would be left out unnoticed
                    cursorDone = true;
                    fail("-", "-", null, new MigrationException("-", "bulk run " + settings.bulkRunId()
                            + ": document " + taken.get() + " of " + settings.selection() + " is null; the objects"
                            + " after it were not taken"));
                    stopped = true;
                    return null;
                }
                taken.incrementAndGet();
                if (inPartition(next)) {
                    return next;
                }
            }
            return null;
        }
    }

    private boolean inPartition(ObjectDocument document) {
        return settings.partitions() == 1 || Math.floorMod((document.objectName() + "/" + document.objectId())
                .hashCode(), settings.partitions()) == settings.partition();
    }

    /** Looks at one object and migrates it unless it is to be skipped or put back for later. */
    private void migrate(String objectName, String objectId, long since) {
        String object = objectName + "/" + objectId;
        try {
            // the document first, then the routing entries: a migration of this run finished in between shows in
            // the entries, and one finished after both reads is caught by the active stream checked under the lock
            Optional<ObjectDocument> current = service.streams().documents().get(objectName, objectId);
            if (current.isEmpty()) {
                log.debug("Bulk migration {}: {} is gone; skipped", settings.bulkRunId(), object);
                skipped.incrementAndGet();
                return;
            }
            ObjectDocument document = current.get();
            List<MigrationEntry> entries = service.routing().forObject(objectName, objectId);
            if (entries.stream().anyMatch(e -> e.status() == MigrationStatus.COMPLETED
                    && ofRun(e, settings.bulkRunId()))) {
                log.debug("Bulk migration {}: {} already migrated by this run; skipped", settings.bulkRunId(),
                        object);
                skipped.incrementAndGet();
                return;
            }
            boolean resumingOwn = entries.stream().anyMatch(e -> ofRun(e, settings.bulkRunId())
                    && e.target().equals(document.active())
                    && (!e.status().isTerminal() || e.status() == MigrationStatus.FAILED));
            if (!resumingOwn && !stillSelected.test(document)) {
                log.debug("Bulk migration {}: {} no longer selected; skipped", settings.bulkRunId(), object);
                skipped.incrementAndGet();
                return;
            }
            MigrationBuilder builder = service.forDocument(objectName, objectId)
                    .withDistributedLock(l -> l.timeout(Duration.ZERO));
            if (settings.targetStore() != null) {
                builder.withTargetStore(settings.targetStore());
            }
            if (settings.targetStreamId() != null) {
                builder.withTargetStream(settings.targetStreamId().apply(document));
            }
            if (settings.transformer() != null) {
                builder.withTransformer(settings.transformer());
            }
            settings.eachObject().accept(builder);
            builder.bulkRunId = settings.bulkRunId();
            builder.expectedActive = document.active();
            builder.prefetched = new DefaultEventStreamMigrationService.Prefetched(current, entries);
            MigrationHandle handle = builder.start();
            running.add(handle);
            MigrationResult outcome;
            try {
                if (paused) {
                    handle.pause();
                }
                if (cancelRequested) {
                    handle.cancel();
                }
                outcome = handle.await();
            } finally {
                running.remove(handle);
            }
            if (outcome.status() == MigrationStatus.COMPLETED && handle instanceof LiveMigration live
                    && live.foundCompleted()) {
                // another instance ran this very migration (one left mid-way, resumed by both) and finished it
                log.debug("Bulk migration {}: {} was completed by another run; skipped", settings.bulkRunId(), object);
                skipped.incrementAndGet();
                return;
            }
            record(objectName, objectId, since, outcome);
        } catch (RuntimeException e) {
            MigrationException error = e instanceof MigrationException m ? m
                    : new MigrationException("-", "bulk run " + settings.bulkRunId() + " could not migrate "
                    + object + ": " + e.getMessage(), e);
            fail(objectName, objectId, null, error);
        } finally {
            reportProgress(false);
        }
    }

    private void record(String objectName, String objectId, long since, MigrationResult outcome) {
        switch (outcome.status()) {
            case COMPLETED -> {
                migrated.incrementAndGet();
                events.addAndGet(outcome.statistics().totalEvents());
            }
            case CANCELLED -> cancelled.incrementAndGet();
            case PAUSED -> fail(objectName, objectId, outcome.migrationId(), new MigrationException(
                    outcome.migrationId(), "suspended; run the bulk run again to finish it"));
            default -> {
                MigrationException error = outcome.error() != null ? outcome.error()
                        : new MigrationException(outcome.migrationId(), "ended " + outcome.status());
                if (error instanceof MigrationLockedException || error instanceof MigrationSupersededException) {
                    if (System.nanoTime() - since > settings.lockRetryTimeout().toNanos()) {
                        log.warn("Bulk migration {}: {}/{} still locked by another migration after {}; skipped",
                                settings.bulkRunId(), objectName, objectId, settings.lockRetryTimeout());
                        skipped.incrementAndGet();
                    } else {
                        deferred.add(new Deferred(objectName, objectId, since, System.nanoTime()
                                + RETRY_DELAY_NANOS));
                    }
                } else {
                    fail(objectName, objectId, outcome.migrationId(), error);
                }
            }
        }
    }

    private void fail(String objectName, String objectId, @Nullable String migrationId, MigrationException error) {
        failed.incrementAndGet();
        log.warn("Bulk migration {}: {}/{} failed: {}", settings.bulkRunId(), objectName, objectId,
                error.getMessage());
        synchronized (failures) {
            if (failures.size() < BulkMigrationResult.MAX_FAILURES) {
                failures.add(new BulkObjectFailure(objectName, objectId, migrationId, error));
            }
        }
        if (!settings.continueOnError()) {
            stopped = true;
        }
    }

    private void reportProgress(boolean last) {
        long now = System.nanoTime();
        long previous = lastProgressNanos.get();
        if (!last && previous != Long.MIN_VALUE && now - previous < settings.progressInterval().toNanos()) {
            return;
        }
        if (!last && !lastProgressNanos.compareAndSet(previous, now)) {
            return;
        }
        try {
            settings.onBulkProgress().accept(progress());
        } catch (RuntimeException e) {
            log.warn("Bulk migration {}: progress callback failed", settings.bulkRunId(), e);
        }
    }

    private void finish() {
        MigrationStatus status = cancelRequested ? MigrationStatus.CANCELLED
                : failed.get() > 0 || stopped ? MigrationStatus.FAILED : MigrationStatus.COMPLETED;
        List<BulkObjectFailure> listed;
        synchronized (failures) {
            listed = List.copyOf(failures);
        }
        BulkMigrationResult outcome = new BulkMigrationResult(settings.bulkRunId(), status, migrated.get(),
                failed.get(), skipped.get(), cancelled.get(), events.get(), listed,
                Duration.ofNanos(System.nanoTime() - startedNanos));
        log.info("Bulk migration {} ended {}: {} migrated, {} failed, {} skipped, {} cancelled, {} events in {}",
                settings.bulkRunId(), status, outcome.migrated(), outcome.failed(), outcome.skipped(),
                outcome.cancelled(), outcome.events(), outcome.duration());
        reportProgress(true);
        service.bulkFinished(this);
        result.complete(outcome);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bulk migration worker interrupted", e);
        }
    }

    // ---------------------------------------------------------------- the handle

    @Override
    public String bulkRunId() {
        return settings.bulkRunId();
    }

    @Override
    public BulkMigrationProgress progress() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
        double seconds = elapsed.toNanos() / 1e9;
        long doneNow = migrated.get() + failed.get() + skipped.get();
        Long remaining = size == null ? null : Math.max(0, size - taken.get()) + deferred.size() + running.size();
        Duration eta = null;
        if (remaining != null && doneNow > 0) {
            eta = Duration.ofNanos((long) (elapsed.toNanos() / (double) doneNow * remaining));
        }
        return new BulkMigrationProgress(settings.bulkRunId(), migrated.get(), failed.get(), skipped.get(),
                running.size(), remaining, events.get(), elapsed, seconds <= 0 ? 0 : events.get() / seconds, eta);
    }

    @Override
    public void pause() {
        paused = true;
        running.forEach(MigrationHandle::pause);
    }

    @Override
    public void resume() {
        paused = false;
        running.forEach(MigrationHandle::resume);
    }

    @Override
    public void cancel() {
        cancelRequested = true;
        paused = false;
        running.forEach(MigrationHandle::cancel);
    }

    @Override
    public BulkMigrationResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("-", "interrupted while waiting for bulk run " + settings.bulkRunId(), e);
        } catch (ExecutionException e) {
            throw new MigrationException("-", "bulk run " + settings.bulkRunId() + " failed", e.getCause());
        }
    }

    @Override
    public BulkMigrationResult await(Duration timeout) throws TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("-", "interrupted while waiting for bulk run " + settings.bulkRunId(), e);
        } catch (ExecutionException e) {
            throw new MigrationException("-", "bulk run " + settings.bulkRunId() + " failed", e.getCause());
        }
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }
}
