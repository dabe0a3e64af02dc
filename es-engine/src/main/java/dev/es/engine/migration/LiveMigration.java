package dev.es.engine.migration;

import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live migration and its handle: takes the object's lock, runs the protocol of design section 5 step by step
 * ({@link CloseStep} with its {@link CopyStep}, {@link CutoverStep}, {@link BookClosingStep}) over one
 * {@link MigrationRun}, and hands out the result. With {@code withVerification}, a {@link VerificationStep} checks the
 * target before every close attempt. Every step can be repeated: a run starts from what the stores say
 * (the target's high-water mark, a close already written, a document already switched), so a crash anywhere is
 * finished by running it again.
 */
final class LiveMigration implements MigrationHandle {

    private static final Logger log = LoggerFactory.getLogger(LiveMigration.class);
    /** How long one lock request waits at most, so that a cancel during a long wait is seen. */
    private static final Duration LOCK_WAIT_SLICE = Duration.ofMillis(200);

    private final MigrationRun run;
    private final DistributedLockProvider locks;
    private final CopyStep copy;
    private final CloseStep close;
    private final CutoverStep cutover;
    private final BookClosingStep bookClosing;
    /** Verification before the close ({@code withVerification}), or {@code null}. */
    private final @Nullable VerificationStep verification;
    private final CompletableFuture<MigrationResult> result = new CompletableFuture<>();
    private volatile Consumer<MigrationStatus> onFinish = s -> { };
    /** Whether this run found the migration completed by another run and did nothing. */
    private volatile boolean foundCompleted;

    LiveMigration(String migrationId, boolean newId, MigrationDefinition definition, StreamPointer source,
                  StreamPointer target, EventStreams streams, DistributedLockProvider locks,
                  MigrationRoutingTable routing, MigrationListener listener, Clock clock,
                  @Nullable BackupRestoreService backups, StoreResilience resilience) {
        this.run = new MigrationRun(migrationId, newId, definition, source, target, streams, routing, listener, clock,
                backups, resilience);
        this.locks = locks;
        this.copy = new CopyStep(run);
        this.close = new CloseStep(run, copy);
        this.cutover = new CutoverStep(run);
        this.bookClosing = new BookClosingStep(run);
        VerificationSpec verify = definition.verification();
        this.verification = verify == null ? null : new VerificationStep(run, verify);
        if (verification != null) {
            copy.verifiedBy(verification);
            close.verifiedBy(verification);
        }
    }

    // ---------------------------------------------------------------- the protocol

    void run() {
        long started = System.nanoTime();
        try {
            attempt(started);
        } catch (RuntimeException | Error unexpected) {
            // a failure outside the protocol's own handling: the handle gets a result all the same, never hangs
            if (!result.isDone()) {
                log.error("Migration {} of {} ended by an unexpected error", run.migrationId, run.object(),
                        unexpected);
                finish(MigrationStatus.FAILED, new MigrationException(run.migrationId, "ended by an unexpected"
                        + " error: " + unexpected.getMessage(), unexpected), started, false);
            }
            if (unexpected instanceof Error error) {
                throw error;
            }
        }
    }

    private void attempt(long started) {
        Instant waitStart = run.clock.instant();
        String lockKey = run.lockKey;
        Optional<DistributedLock> acquired;
        try {
            acquired = acquireLock();
        } catch (RuntimeException e) {
            run.listener.lockAcquireFailed(lockKey);
            finish(MigrationStatus.FAILED, new MigrationLockedException(run.migrationId, lockKey, e), started, false);
            return;
        }
        if (acquired.isEmpty()) {
            if (run.control.cancelRequested()) {
                log.info("Migration {} of {} cancelled while waiting for its lock; nothing was changed",
                        run.migrationId, run.object());
                finish(MigrationStatus.CANCELLED, null, started, false);
                return;
            }
            if (run.definition.bulkRunId() == null) {
                log.warn("Migration {} of {} refused: another migration holds lock '{}'", run.migrationId,
                        run.object(), lockKey);
            } else {
                // a bulk run looks at the object again later: contention between its instances is expected
                log.debug("Migration {} of {} (bulk run {}) refused: another migration holds lock '{}'",
                        run.migrationId, run.object(), run.definition.bulkRunId(), lockKey);
            }
            run.listener.lockAcquireFailed(lockKey);
            finish(MigrationStatus.FAILED, new MigrationLockedException(run.migrationId, lockKey, null), started,
                    false);
            return;
        }
        StreamPointer expected = run.definition.expectedActive();
        // the document as read under the lock, when a bulk run's check read it: the protocol starts from that read
        ObjectDocument readUnderLock = null;
        if (expected != null) {
            StreamPointer now;
            try {
                readUnderLock = run.findDocument().orElse(null);
                now = readUnderLock == null ? null : readUnderLock.active();
            } catch (RuntimeException e) {
                // nothing was changed: the lock goes back and the migration fails (never a handle left waiting)
                acquired.get().close();
                log.warn("Migration {} of {} not started: its document could not be read", run.migrationId,
                        run.object(), e);
                finish(MigrationStatus.FAILED, new MigrationException(run.migrationId, "not started: reading the"
                        + " document of " + run.object() + " failed; nothing was changed: " + e.getMessage(), e),
                        started, false);
                return;
            }
            if (!expected.equals(now)) {
                acquired.get().close();
                log.info("Migration {} of {} not started: its active stream is now {}, not {}", run.migrationId,
                        run.object(), now, expected);
                finish(MigrationStatus.FAILED, new MigrationSupersededException(run.migrationId, expected, now),
                        started, false);
                return;
            }
        }
        run.listener.lockAcquired(lockKey, Duration.between(waitStart, run.clock.instant()));
        run.listener.started(run.migrationId, run.definition.objectName(), run.definition.objectId());
        MigrationStatus outcome;
        MigrationException error = null;
        // the result is handed out only after the lock is released, so a caller may start the next migration at once
        try (DistributedLock held = acquired.get()) {
            run.lock = held;
            try {
                outcome = protocol(held, readUnderLock);
            } catch (MigrationControl.NotRevived refused) {
                error = refused.error;
                outcome = MigrationStatus.FAILED;
            } catch (RuntimeException | Error failure) {
                error = failure instanceof MigrationException m ? m
                        : new MigrationException(run.migrationId, "failed in phase " + run.phase + ": "
                        + failure.getMessage(), failure);
                log.warn("Migration {} of {} failed in phase {}; run it again to resume", run.migrationId,
                        run.object(), run.phase, failure);
                run.saveFailure(error); // still under the lock, so no one can take the entry for an orphan first
                outcome = MigrationStatus.FAILED;
            }
        }
        finish(outcome, error, started, true);
    }

    /**
     * Waits for the object's lock as long as the definition allows, in short slices so that a cancel asked
     * meanwhile ends the wait: then it answers empty.
     */
    private Optional<DistributedLock> acquireLock() {
        long deadline = System.nanoTime() + run.definition.lockWait().toNanos();
        while (true) {
            if (run.control.cancelRequested()) {
                return Optional.empty();
            }
            long left = deadline - System.nanoTime();
            Duration slice = Duration.ofNanos(Math.max(0, Math.min(left, LOCK_WAIT_SLICE.toNanos())));
            Optional<DistributedLock> acquired = locks.tryAcquire(run.lockKey, slice);
            if (acquired.isPresent()) {
                if (!run.control.cancelRequested()) {
                    return acquired;
                }
                acquired.get().close();
                return Optional.empty();
            }
            if (deadline - System.nanoTime() <= 0) {
                return Optional.empty();
            }
        }
    }

    /**
     * Steps 2 to 7 of the protocol under the held lock; answers the final status.
     *
     * @param readUnderLock the object's document as a bulk run's check read it under this lock, or {@code null}
     */
    private MigrationStatus protocol(DistributedLock held, @Nullable ObjectDocument readUnderLock) {
        try {
            if (run.start(held)) {
                foundCompleted = true;
                return MigrationStatus.COMPLETED;
            }
            bookClosing.checkOptions();
            run.backUp();
            raiseFences(held.fencingToken());
            // from here a close may be found written: a cancel can no longer take effect until we know it is not
            run.control.enterClose();
            CloseEvent closed = close.existingClose();
            ObjectDocument lastRead = null;
            if (closed == null) {
                // with no close written, the document says whether only book closing is left; else catch-up starts
                // from that same read
                // (a bulk run's check has just read it under this lock: only a lock holder moves the active stream,
                // and the cutover's compare-and-set finds any other change)
                ObjectDocument document = readUnderLock != null ? readUnderLock : run.document();
                if (document.active().equals(run.target())) {
                    // book closing deleted the source and died before writing its close again: only that is left
                    bookClosing.closeBooks();
                    return MigrationStatus.COMPLETED;
                }
                run.control.leaveClose();
                closed = close.catchUpAndClose(document);
                lastRead = document;
            }
            cutover.cutOver(closed, lastRead);
            bookClosing.closeBooks();
            return MigrationStatus.COMPLETED;
        } catch (MigrationControl.Suspended suspended) {
            run.moveTo(run.phase, MigrationStatus.PAUSED, run.control.suspendedBy(),
                    "suspended; run the same migration again to resume it");
            log.info("Migration {} of {} suspended in phase {}; run it again to resume it", run.migrationId,
                    run.object(), run.phase);
            return MigrationStatus.PAUSED;
        } catch (MigrationControl.Cancelled cancelled) {
            cutover.discardTarget();
            run.moveTo(MigrationPhase.CANCELLED, MigrationStatus.CANCELLED, run.control.cancelledBy(),
                    "cancelled; source untouched, target discarded");
            log.info("Migration {} of {} cancelled; source {} untouched, target discarded", run.migrationId,
                    run.object(), run.source);
            return MigrationStatus.CANCELLED;
        }
    }

    /**
     * Raises the fences of the source and the target to this run's fencing token, on the stores that keep fences:
     * from then on a run that held the lock before can no longer write to either, however late its in-flight
     * append (a close, a copy) lands. Its close either landed before (and this run finds it) or is refused.
     */
    private void raiseFences(long token) {
        for (StreamPointer pointer : List.of(run.source, run.target())) {
            EventStore store = run.store(pointer);
            if (store.supportsFencing()) {
                OptionalLong version = store.raiseFence(pointer.streamId(), token);
                if (pointer.equals(run.target())) {
                    copy.targetFencedAt(version);
                }
            } else {
                log.debug("Migration {}: store '{}' keeps no fences; only the lock guards {}", run.migrationId,
                        pointer.store(), pointer);
            }
        }
    }

    private void finish(MigrationStatus finalStatus, MigrationException error, long startedNanos, boolean recorded) {
        run.status = finalStatus;
        if (!recorded) {
            run.phase = finalStatus == MigrationStatus.CANCELLED ? MigrationPhase.CANCELLED : MigrationPhase.FAILED;
        }
        MigrationResult outcome = new MigrationResult(run.migrationId, finalStatus,
                new MigrationStatistics(run.eventsCopied, run.transformed, run.iterations,
                        Duration.ofNanos(System.nanoTime() - startedNanos)), error, run.skipped,
                run.entry == null ? null : run.entry.backupId(),
                verification == null ? null : verification.result());
        onFinish.accept(finalStatus);
        run.listener.finished(outcome);
        try {
            run.definition.progress().onCompleted().accept(outcome);
        } catch (RuntimeException e) {
            log.warn("Migration {}: completion callback failed", run.migrationId, e);
        }
        result.complete(outcome);
    }

    // ---------------------------------------------------------------- the handle

    @Override
    public String migrationId() {
        return run.migrationId;
    }

    @Override
    public MigrationProgress progress() {
        return run.progress();
    }

    @Override
    public void pause() {
        pause(MigrationAuditRecord.BY_API);
    }

    @Override
    public void resume() {
        resume(MigrationAuditRecord.BY_API);
    }

    @Override
    public boolean cancel() {
        return cancel(MigrationAuditRecord.BY_API);
    }

    @Override
    public boolean cutover() {
        return cutover(MigrationAuditRecord.BY_API);
    }

    @Override
    public boolean isCutoverReady() {
        return !result.isDone() && ManualCutoverStep.ready(run.definition.live(), run.status, run.eventsBehind);
    }

    @Override
    public MigrationHandle requestedBy(String requestedBy) {
        return new RequestedByHandle(this, requestedBy);
    }

    /** {@link #pause()} asked by {@code requestedBy} (audit trail). */
    void pause(String requestedBy) {
        if (!result.isDone()) {
            run.control.pause(requestedBy);
        }
    }

    /** {@link #resume()} asked by {@code requestedBy}. */
    void resume(String requestedBy) {
        run.control.resume(requestedBy);
    }

    /** {@link #cancel()} asked by {@code requestedBy}. */
    boolean cancel(String requestedBy) {
        return !result.isDone() && run.control.cancel(requestedBy);
    }

    /** {@link #cutover()} asked by {@code requestedBy}: taken while ready, or when already asked. */
    boolean cutover(String requestedBy) {
        if (run.control.cutoverRequestedBy() != null) {
            return true; // taken before (the migration may have finished since)
        }
        if (result.isDone() || !run.definition.live().manualCutover()) {
            return false;
        }
        if (!isCutoverReady()) {
            log.info("Migration {} of {}: cutover requested ({}) but not ready: status {}, {} event(s) behind"
                    + " (at most {})", run.migrationId, run.object(), requestedBy, run.status, run.eventsBehind,
                    run.definition.live().cutoverMaxLag());
            return false;
        }
        run.control.requestCutover(requestedBy);
        return true;
    }

    /**
     * Stops the migration at its next safe point (before the close) and releases its lock, leaving its routing entry
     * {@code PAUSED}, so that it can be resumed later, in this process or after a restart. A migration past its close
     * finishes instead.
     */
    void suspend() {
        suspend(MigrationAuditRecord.BY_API);
    }

    /** {@link #suspend()} asked by {@code requestedBy}, for example the application's shutdown. */
    void suspend(String requestedBy) {
        run.control.suspend(requestedBy);
    }

    /** Whether {@link #pause()} was asked and the migration is waiting at a safe point. */
    boolean isPaused() {
        return run.status == MigrationStatus.PAUSED;
    }

    @Override
    public MigrationResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(run.migrationId, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new MigrationException(run.migrationId, "failed", e.getCause());
        }
    }

    @Override
    public MigrationResult await(Duration timeout) throws TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(run.migrationId, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new MigrationException(run.migrationId, "failed", e.getCause());
        }
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Whether this run found its migration already completed (by another process that ran the same migration id)
     * and did nothing: a bulk run counts the object as skipped, not as migrated by it.
     */
    boolean foundCompleted() {
        return foundCompleted;
    }

    /** Calls {@code hook} with the final status when the migration ends, before its result is handed out. */
    void onFinish(Consumer<MigrationStatus> hook) {
        onFinish = hook;
    }

    /** Ends this migration at once without running it (it was refused before it began). */
    void refuse(String why) {
        run.status = MigrationStatus.FAILED;
        run.phase = MigrationPhase.FAILED;
        MigrationResult refused = new MigrationResult(run.migrationId, MigrationStatus.FAILED,
                new MigrationStatistics(0, 0, 0, Duration.ZERO),
                new MigrationLockedException(run.migrationId, run.lockKey, new IllegalStateException(why)),
                List.of());
        result.complete(refused);
    }
}
