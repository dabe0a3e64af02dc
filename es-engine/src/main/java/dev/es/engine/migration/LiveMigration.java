package dev.es.engine.migration;

import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.stream.WriteGates;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live migration, run by the protocol of design section 5, and its handle. Every step can be repeated: a run
 * starts from what the stores say (the target's high-water mark, a close already written, a document already
 * switched), so a crash anywhere is finished by running it again.
 */
final class LiveMigration implements MigrationHandle {

    /** Metadata on copied events: the stream they were copied from ({@code store/streamId}). */
    static final String MIGRATED_FROM = "es.migratedFrom";
    /** Metadata on copied events: their version in the source stream. */
    static final String SOURCE_VERSION = "es.sourceVersion";

    private static final Logger log = LoggerFactory.getLogger(LiveMigration.class);
    /** Every how many pages a catch-up iteration checks whether writers outpace it. */
    private static final int GROUND_CHECK_PAGES = 16;
    /** How long one lock request waits at most, so that a cancel during a long wait is seen. */
    private static final Duration LOCK_WAIT_SLICE = Duration.ofMillis(200);

    private final String migrationId;
    private final MigrationBuilder definition;
    private final StreamPointer source;
    /** {@code source.toString()}, written into every copy's metadata. */
    private final String sourceName;
    private StreamPointer target;
    private final boolean targetChosen;
    private final EventStreams streams;
    private final DistributedLockProvider locks;
    private final MigrationRoutingTable routing;
    private final MigrationListener listener;
    private final Clock clock;
    private final CompletableFuture<MigrationResult> result = new CompletableFuture<>();
    private final List<SkippedEvent> skipped = new ArrayList<>();
    private final String lockKey;
    private volatile java.util.function.Consumer<MigrationStatus> onFinish = s -> { };

    private volatile MigrationPhase phase = MigrationPhase.PENDING;
    private volatile MigrationStatus status = MigrationStatus.PENDING;
    private volatile long eventsCopied;
    private volatile long eventsBehind;
    private volatile int iterations;
    private long transformed;
    private MigrationEntry entry;
    private DistributedLock lock;
    private long lastReport;
    /** When the routing entry was last saved ({@link System#nanoTime()}). */
    private long lastRecorded;
    private boolean paused;
    private boolean cancelRequested;
    private boolean suspendRequested;
    private boolean closing;
    /** A close append whose outcome was unknown: from then on the migration can no longer be cancelled. */
    private boolean closeMayBeWritten;
    /** A catch-up iteration stopped early because writers outpaced it (PAUSE_SOURCE then holds them at once). */
    private boolean losingGround;
    /** Whether this migration holds the object's write gate (PAUSE_SOURCE); it does not pause meanwhile. */
    private boolean gated;
    /** This migration's own close, found in the source while copying (a close whose answer was lost). */
    private CloseEvent ownClose;
    /** Source version when catch-up began: copying up to it is history, not a race with writers. */
    private long initialSourceVersion;
    /** When catch-up first reached {@link #initialSourceVersion}; the close timeout counts from here (0: not yet). */
    private long convergingSince;

    LiveMigration(String migrationId, MigrationBuilder definition, StreamPointer source, StreamPointer target,
                  boolean targetChosen, EventStreams streams, DistributedLockProvider locks,
                  MigrationRoutingTable routing, MigrationListener listener, Clock clock) {
        this.migrationId = migrationId;
        this.definition = definition;
        this.source = source;
        this.sourceName = source.toString();
        this.target = target;
        this.targetChosen = targetChosen;
        this.streams = streams;
        this.locks = locks;
        this.routing = routing;
        this.listener = listener;
        this.clock = clock;
        this.lockKey = "migration/" + definition.objectName + "/" + definition.objectId;
    }

    // ---------------------------------------------------------------- the protocol

    void run() {
        long started = System.nanoTime();
        Instant waitStart = clock.instant();
        Optional<DistributedLock> acquired;
        try {
            acquired = acquireLock();
        } catch (RuntimeException e) {
            listener.lockAcquireFailed(lockKey);
            finish(MigrationStatus.FAILED, new MigrationLockedException(migrationId, lockKey, e), started, false);
            return;
        }
        if (acquired.isEmpty()) {
            if (cancelledBeforeStart()) {
                log.info("Migration {} of {}/{} cancelled while waiting for its lock; nothing was changed",
                        migrationId, definition.objectName, definition.objectId);
                finish(MigrationStatus.CANCELLED, null, started, false);
                return;
            }
            log.warn("Migration {} of {}/{} refused: another migration holds lock '{}'", migrationId,
                    definition.objectName, definition.objectId, lockKey);
            listener.lockAcquireFailed(lockKey);
            finish(MigrationStatus.FAILED, new MigrationLockedException(migrationId, lockKey, null), started, false);
            return;
        }
        listener.lockAcquired(lockKey, Duration.between(waitStart, clock.instant()));
        listener.started(migrationId, definition.objectName, definition.objectId);
        MigrationStatus outcome;
        MigrationException error = null;
        // the result is handed out only after the lock is released, so a caller may start the next migration at once
        try (DistributedLock held = acquired.get()) {
            lock = held;
            try {
                outcome = protocol(held);
            } catch (NotRevived refused) {
                error = refused.error;
                outcome = MigrationStatus.FAILED;
            } catch (RuntimeException | Error failure) {
                error = failure instanceof MigrationException m ? m
                        : new MigrationException(migrationId, "failed in phase " + phase + ": "
                        + failure.getMessage(), failure);
                log.warn("Migration {} of {}/{} failed in phase {}; run it again to resume", migrationId,
                        definition.objectName, definition.objectId, phase, failure);
                saveFailure(error); // still under the lock, so no one can take the entry for an orphan first
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
        long deadline = System.nanoTime() + definition.lock.timeout.toNanos();
        while (true) {
            if (cancelledBeforeStart()) {
                return Optional.empty();
            }
            long left = deadline - System.nanoTime();
            Duration slice = Duration.ofNanos(Math.max(0, Math.min(left, LOCK_WAIT_SLICE.toNanos())));
            Optional<DistributedLock> acquired = locks.tryAcquire(lockKey, slice);
            if (acquired.isPresent()) {
                synchronized (this) {
                    if (!cancelRequested) {
                        return acquired;
                    }
                }
                acquired.get().close();
                return Optional.empty();
            }
            if (deadline - System.nanoTime() <= 0) {
                return Optional.empty();
            }
        }
    }

    private synchronized boolean cancelledBeforeStart() {
        return cancelRequested;
    }

    /** Steps 2 to 7 of the protocol under the held lock; answers the final status. */
    private MigrationStatus protocol(DistributedLock held) {
        try {
            Instant now = clock.instant();
            Optional<MigrationEntry> recorded = routing.get(migrationId);
            if (recorded.isPresent() && recorded.get().status() == MigrationStatus.COMPLETED) {
                phase = recorded.get().phase();
                log.info("Migration {} of {}/{} was completed meanwhile; nothing to do", migrationId,
                        definition.objectName, definition.objectId);
                return MigrationStatus.COMPLETED;
            }
            if (recorded.isPresent() && recorded.get().status().isTerminal()
                    && recorded.get().status() != MigrationStatus.FAILED) {
                throw new NotRevived(new MigrationException(migrationId, "was " + recorded.get().status()
                        + " meanwhile and is not revived; nothing was changed. Start the migration again for a new"
                        + " one"));
            }
            entry = recorded
                    .map(e -> new MigrationEntry(migrationId, e.objectName(), e.objectId(), source, target,
                            MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS, e.eventsCopied(), e.eventsBehind(),
                            held.fencingToken(), e.startedAt(), now, null))
                    .orElseGet(() -> new MigrationEntry(migrationId, definition.objectName, definition.objectId,
                            source, target, MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS, 0, 0,
                            held.fencingToken(), now, now, null));
            eventsCopied = entry.eventsCopied();
            moveTo(MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS);
            raiseFences(held.fencingToken());

            // from here a close may be found written: a cancel can no longer take effect until we know it is not
            synchronized (this) {
                checkCancelled();
                closing = true;
            }
            CloseEvent close = existingClose();
            if (close == null) {
                synchronized (this) {
                    closing = closeMayBeWritten;
                }
                close = catchUpAndClose();
            }
            cutOver(close);
            moveTo(MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED);
            log.info("Migration {} of {}/{} completed: {} -> {}", migrationId, definition.objectName,
                    definition.objectId, source, target);
            return MigrationStatus.COMPLETED;
        } catch (Suspended suspended) {
            moveTo(phase, MigrationStatus.PAUSED);
            log.info("Migration {} of {}/{} suspended in phase {}; run it again to resume it", migrationId,
                    definition.objectName, definition.objectId, phase);
            return MigrationStatus.PAUSED;
        } catch (Cancelled cancelled) {
            discardTarget();
            moveTo(MigrationPhase.CANCELLED, MigrationStatus.CANCELLED);
            log.info("Migration {} of {}/{} cancelled; source {} untouched, target discarded", migrationId,
                    definition.objectName, definition.objectId, source);
            return MigrationStatus.CANCELLED;
        }
    }

    /**
     * Raises the fences of the source and the target to this run's fencing token, on the stores that keep fences:
     * from then on a run that held the lock before can no longer write to either, however late its in-flight
     * append (a close, a copy) lands. Its close either landed before (and this run finds it) or is refused.
     */
    private void raiseFences(long token) {
        for (StreamPointer pointer : List.of(source, target)) {
            EventStore store = store(pointer);
            if (store.supportsFencing()) {
                store.raiseFence(pointer.streamId(), token);
            } else {
                log.debug("Migration {}: store '{}' keeps no fences; only the lock guards {}", migrationId,
                        pointer.store(), pointer);
            }
        }
    }

    /** The source's close event when the source is already closed toward this migration's target. */
    private CloseEvent existingClose() {
        CloseEvent close = closeOf(source);
        if (close == null) {
            return null;
        }
        if (migrationId.equals(close.migrationId()) || target.streamId().equals(close.continuationStreamId())
                && target.store().equals(close.continuationStore())) {
            return close;
        }
        if (close.hasContinuation() && !targetChosen) {
            target = new StreamPointer(close.continuationStreamId(), close.continuationStore());
            entry = new MigrationEntry(migrationId, entry.objectName(), entry.objectId(), source, target, entry.phase(),
                    entry.status(), entry.eventsCopied(), entry.eventsBehind(), entry.fencingToken(),
                    entry.startedAt(), clock.instant(), null);
            log.info("Source {} of migration {} was already closed toward {}; completing the cutover to it", source,
                    migrationId, target);
            return close;
        }
        throw new MigrationException(migrationId, "source " + source + " is already closed"
                + (close.hasContinuation() ? " and continues in " + close.continuationStore() + "/"
                + close.continuationStreamId() + ", not in the requested target " + target
                : " without a continuation") + "; nothing was changed");
    }

    private CloseEvent catchUpAndClose() {
        ObjectDocument document = document();
        if (!document.active().equals(source)) {
            throw new MigrationException(migrationId, "source " + source + " is not the active stream of "
                    + definition.objectName + "/" + definition.objectId + " (active: " + document.active()
                    + "); nothing was changed");
        }
        EventStore sourceStore = store(source);
        long[] position = targetPosition();
        LiveMigrationOptions live = definition.live;
        initialSourceVersion = sourceStore.version(source.streamId());
        moveTo(MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS);
        int lostCloses = 0;
        long behindBefore = Long.MAX_VALUE;
        while (true) {
            position = copy(position, true, 0, sourceStore.version(source.streamId()));
            if (ownClose != null) {
                return ownClose;
            }
            if (convergingSince == 0) {
                convergingSince = System.nanoTime();
            }
            iterations++;
            long sourceVersion = sourceStore.version(source.streamId());
            eventsBehind = Math.max(0, sourceVersion - position[0]);
            live.onCatchUpProgress.accept(new CatchUpProgress(iterations, sourceVersion, position[1], eventsBehind));
            listener.catchUpIteration(definition.objectName);
            report(false);

            boolean overdue = overdue();
            // hold the writers once the close has lost often enough with catch-up within a page, or as soon as
            // catch-up loses ground (writers add events faster than it copies: waiting only makes the hold longer)
            boolean holdWriters = live.convergenceFailure == ConvergenceFailureStrategy.PAUSE_SOURCE
                    && (overdue || losingGround
                    || lostCloses >= live.closeAttemptsBeforePause && eventsBehind <= streams.settings().chunkSize()
                    || lostCloses >= 1 && eventsBehind > streams.settings().chunkSize()
                    && eventsBehind >= behindBefore);
            losingGround = false;
            behindBefore = eventsBehind;
            moveTo(MigrationPhase.CLOSING, MigrationStatus.IN_PROGRESS);
            CloseEvent close = holdWriters ? closeHoldingWriters(sourceStore, position)
                    : tryClose(position, (expected, events) -> sourceStore.append(source.streamId(), expected, events,
                    lock.fencingToken()));
            if (close != null) {
                return close;
            }
            lostCloses++;
            if (overdue && live.convergenceFailure == ConvergenceFailureStrategy.FAIL) {
                throw notConverged();
            }
            moveTo(MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS);
            sleep(live.catchUpDelay);
        }
    }

    /**
     * The close that always wins ({@code PAUSE_SOURCE}): holds the source's writers through its store, so the
     * writers of every process wait, or, when the store cannot hold writers, through this process's write gate; for
     * at most {@code maxSourcePause}. Under the hold it copies what is left and appends the close, then lifts the
     * hold: waiting writers go on, onto the continuation. Answers {@code null} when the hold ran out first.
     *
     * @param position {source version copied, target version}; updated with what was copied
     */
    private CloseEvent closeHoldingWriters(EventStore sourceStore, long[] position) {
        LiveMigrationOptions live = definition.live;
        long deadline = System.nanoTime() + live.maxSourcePause.toNanos();
        WriterHold hold;
        try {
            hold = live.maxSourcePause.isZero() ? null
                    : sourceStore.holdWriters(source.streamId(), live.maxSourcePause).orElse(null);
        } catch (WriterHoldExpiredException busy) {
            log.debug("Migration {}: could not hold the writers of {} in time", migrationId, source);
            return null;
        }
        WriteGates.Closed gate = null;
        if (hold == null) {
            gate = streams.gates().close(definition.objectName, definition.objectId, live.maxSourcePause,
                    live.maxSourcePause);
        }
        gated = hold != null || gate != null;
        CloseEvent close = null;
        try {
            close = copyAndCloseUnder(hold, sourceStore, position, deadline);
        } finally {
            closeGate(gate);
            if (hold != null) {
                close = lift(hold, close);
            }
        }
        return close;
    }

    /** Under a hold (or the gate, when {@code hold} is null): copies what is left and tries the close. */
    private CloseEvent copyAndCloseUnder(WriterHold hold, EventStore sourceStore, long[] position, long deadline) {
        try {
            while (true) {
                long[] copied = copy(position, false, deadline, Long.MAX_VALUE);
                System.arraycopy(copied, 0, position, 0, 2);
                if (ownClose != null) {
                    return ownClose;
                }
                if (System.nanoTime() - deadline > 0) {
                    log.debug("Migration {}: the hold on the writers of {} ran out before the close", migrationId,
                            source);
                    return null;
                }
                CloseEvent close = tryClose(position, (expected, events) -> hold != null
                        ? hold.append(expected, events, lock.fencingToken())
                        : sourceStore.append(source.streamId(), expected, events, lock.fencingToken()));
                if (close != null || hold == null) {
                    return close; // without a store hold, writers of other processes may still win: go round
                }
            }
        } catch (WriterHoldExpiredException expired) {
            return null;
        }
    }

    /**
     * Lifts the hold. A store may make what was appended under it durable only now (PostgreSQL commits then): when
     * that fails, whether the close is written is unknown, so the source says.
     */
    private CloseEvent lift(WriterHold hold, CloseEvent appended) {
        try {
            hold.close();
            return appended;
        } catch (RuntimeException unknown) {
            CloseEvent written = closeOf(source);
            if (written != null && migrationId.equals(written.migrationId())) {
                return written;
            }
            if (appended != null) {
                log.warn("Migration {}: lifting the hold on {} failed; its close is not there, trying again",
                        migrationId, source, unknown);
                synchronized (this) {
                    closeMayBeWritten = true;
                    closing = true;
                }
            }
            return null;
        }
    }

    private void closeGate(WriteGates.Closed gate) {
        if (gate != null) {
            gate.close();
        }
        gated = false;
    }

    private boolean overdue() {
        return convergingSince != 0 && System.nanoTime() - convergingSince > definition.live.closeTimeout.toNanos();
    }

    private MigrationException notConverged() {
        return new MigrationException(migrationId, "writers kept the source moving for longer than the close timeout ("
                + definition.live.closeTimeout + "); " + eventsBehind + " event(s) behind after " + iterations
                + " catch-up iteration(s). The source stays open and writable");
    }

    /**
     * Appends the close at the version caught up to, through {@code appender}; {@code null} when writers got there
     * first.
     */
    private CloseEvent tryClose(long[] position, BiFunction<ExpectedVersion, List<EventData>, AppendResult> appender) {
        synchronized (this) {
            checkCancelled();
            closing = true;
        }
        requireLock();
        CloseEvent close = new CloseEvent(target.streamId(), target.store(), "migration", migrationId, position[0],
                position[1], clock.instant());
        try {
            AppendResult appended = appender.apply(ExpectedVersion.exactly(position[0]),
                    List.of(close.toEventData()));
            return appended.alreadyWritten() ? closeOf(source) : close;
        } catch (WrongExpectedVersionException moved) {
            log.debug("Migration {}: writers moved the source past {}; catching up again", migrationId, position[0]);
        } catch (EventStreamClosedException closed) {
            if (migrationId.equals(closed.close().migrationId())) {
                return closed.close();
            }
            throw new MigrationException(migrationId, "source " + source + " was closed by someone else during the"
                    + " migration", closed);
        } catch (StaleFencingTokenException fenced) {
            throw new LockLostException(lockKey);
        } catch (CommitFailedException unknown) {
            CloseEvent written = closeOf(source);
            if (written != null && migrationId.equals(written.migrationId())) {
                return written;
            }
            log.warn("Migration {}: the close append's outcome was unknown and it is not there; trying again",
                    migrationId, unknown);
            closeMayBeWritten = true;
        }
        synchronized (this) {
            closing = closeMayBeWritten;
        }
        return null;
    }

    /**
     * Copies source events past the target's high-water mark, page by page, until the source is exhausted or, when
     * {@code enforceTimeout}, the close timeout is over (then it fails under {@code FAIL}, and returns early under
     * {@code PAUSE_SOURCE} so that the gate can be closed), or {@code deadline} (a {@link System#nanoTime()}; 0 for
     * none) has passed, or the copy has reached {@code upTo}. Finding this migration's own close in the source sets
     * {@link #ownClose} and returns.
     *
     * @param position {source version copied, target version}
     * @param upTo     the source version this call need not copy past ({@link Long#MAX_VALUE}: to the end), so that
     *                 a catch-up iteration ends even when writers add events faster than it copies
     * @return the new position
     */
    private long[] copy(long[] position, boolean enforceTimeout, long deadline, long upTo) {
        EventStore sourceStore = store(source);
        EventStore targetStore = store(target);
        int pageSize = streams.settings().chunkSize();
        long copied = position[0];
        long targetVersion = position[1];
        int resyncs = 0;
        int pages = 0;
        long behindAtFirstCheck = -1;
        LiveMigrationOptions live = definition.live;
        while (true) {
            checkpoint();
            if (deadline != 0 && System.nanoTime() - deadline > 0 || copied >= upTo) {
                return new long[] {copied, targetVersion};
            }
            if (enforceTimeout && overdue()) {
                if (live.convergenceFailure == ConvergenceFailureStrategy.FAIL) {
                    throw notConverged();
                }
                if (live.convergenceFailure == ConvergenceFailureStrategy.PAUSE_SOURCE) {
                    return new long[] {copied, targetVersion};
                }
            }
            List<StoredEvent> page = sourceStore.read(source.streamId(), copied + 1, pageSize);
            if (page.isEmpty()) {
                return new long[] {copied, targetVersion};
            }
            List<EventData> out = new ArrayList<>();
            List<StoredEvent> consumed = new ArrayList<>();
            for (StoredEvent event : page) {
                if (event.isCloseEvent()) {
                    break;
                }
                out.addAll(convert(event));
                consumed.add(event);
            }
            if (!out.isEmpty()) {
                out.forEach(definition.live.onBeforeAppend);
                requireLock();
                try {
                    AppendResult appended = targetStore.append(target.streamId(),
                            targetVersion == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(targetVersion),
                            out, lock.fencingToken());
                    targetVersion = appended.alreadyWritten() ? targetStore.version(target.streamId())
                            : appended.newVersion();
                } catch (StaleFencingTokenException fenced) {
                    throw new LockLostException(lockKey);
                } catch (WrongExpectedVersionException | CommitFailedException resync) {
                    if (++resyncs > 5) {
                        throw new MigrationException(migrationId, "appends to target " + target
                                + " keep failing; stopped before the close", resync);
                    }
                    log.debug("Migration {}: target moved or append outcome unknown; re-reading its high-water mark",
                            migrationId, resync);
                    long[] fresh = targetPosition();
                    copied = fresh[0];
                    targetVersion = fresh[1];
                    continue;
                }
            }
            if (!consumed.isEmpty()) {
                copied = consumed.get(consumed.size() - 1).version();
                if (convergingSince == 0 && copied >= initialSourceVersion) {
                    convergingSince = System.nanoTime();
                }
                eventsCopied += consumed.size();
                listener.eventsCopied(definition.objectName, consumed.size());
                consumed.forEach(definition.live.onEventCopied);
                recordProgress();
                report(false);
            }
            if (consumed.size() < page.size()) {
                // the source holds a close event: ours whose answer was lost, or someone else's
                CloseEvent close = closeOf(source);
                if (close != null && migrationId.equals(close.migrationId())) {
                    ownClose = close;
                    return new long[] {copied, targetVersion};
                }
                throw new MigrationException(migrationId, "source " + source + " was closed during catch-up"
                        + (close != null && close.hasContinuation() ? " toward " + close.continuationStore() + "/"
                        + close.continuationStreamId() : ""));
            }
            if (page.size() < pageSize) {
                return new long[] {copied, targetVersion};
            }
            if (enforceTimeout && live.convergenceFailure == ConvergenceFailureStrategy.PAUSE_SOURCE
                    && ++pages % GROUND_CHECK_PAGES == 0) {
                long behind = sourceStore.version(source.streamId()) - copied;
                if (behindAtFirstCheck < 0) {
                    behindAtFirstCheck = behind;
                } else if (behind > behindAtFirstCheck + pageSize) {
                    // writers add events faster than this iteration copies them: hold them now, not after it
                    losingGround = true;
                    return new long[] {copied, targetVersion};
                }
            }
        }
    }

    /** The copies of one source event: transformed, with deterministic ids and their provenance in metadata. */
    private List<EventData> convert(StoredEvent event) {
        List<EventData> produced;
        if (definition.transformer.canTransform(event.type(), event.schemaVersion())) {
            try {
                produced = definition.transformer.transform(event);
                transformed++;
            } catch (RuntimeException e) {
                if (definition.transformFailurePolicy == TransformFailurePolicy.SKIP_AND_RECORD) {
                    skipped.add(new SkippedEvent(event.eventId(), event.type(), event.version(), e.toString()));
                    log.warn("Migration {}: skipped event {} (v{} of {}) whose transformation failed", migrationId,
                            event.eventId(), event.version(), source, e);
                    return List.of();
                }
                throw new MigrationException(migrationId, "the transformer failed on event " + event.eventId()
                        + " ('" + event.type() + "' at version " + event.version() + " of " + source
                        + "); the source is untouched", e);
            }
        } else {
            // not transformed: the copy is built once, straight from the stored event
            return List.of(new EventData(event.eventId(), event.type(), event.schemaVersion(), event.payload(),
                    provenance(event.metadata(), event), event.recordedAt()));
        }
        List<EventData> copies = new ArrayList<>(produced.size());
        for (int i = 0; i < produced.size(); i++) {
            EventData e = produced.get(i);
            String id = i == 0 ? event.eventId()
                    : UUID.nameUUIDFromBytes((event.eventId() + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
            copies.add(new EventData(id, e.type(), e.schemaVersion(), e.payload(), provenance(e.metadata(), event),
                    event.recordedAt()));
        }
        return copies;
    }

    /** {@code metadata} plus where the copy came from: the source stream and the event's version there. */
    private Map<String, String> provenance(Map<String, String> metadata, StoredEvent from) {
        Map<String, String> withProvenance = new HashMap<>(metadata.size() + 3);
        withProvenance.putAll(metadata);
        withProvenance.remove(EventData.RECORDED_AT); // the copy's time travels as recordedAt
        withProvenance.put(MIGRATED_FROM, sourceName);
        withProvenance.put(SOURCE_VERSION, Long.toString(from.version()));
        return withProvenance;
    }

    /** {source version already on the target, target version}, read from the target's last event. */
    private long[] targetPosition() {
        StoredEvent last = store(target).lastEvent(target.streamId());
        if (last == null) {
            return new long[] {0, 0};
        }
        String from = last.metadata().get(MIGRATED_FROM);
        String sourceVersion = last.metadata().get(SOURCE_VERSION);
        if (!source.toString().equals(from) || sourceVersion == null) {
            throw new MigrationException(migrationId, "target stream " + target + " already holds " + last.version()
                    + " event(s) that were not copied from " + source + "; choose an empty target");
        }
        return new long[] {Long.parseLong(sourceVersion), last.version()};
    }

    private void cutOver(CloseEvent close) {
        moveTo(MigrationPhase.CUTOVER, MigrationStatus.CUTTING_OVER);
        while (true) {
            requireLock();
            ObjectDocument document = document();
            if (document.active().equals(target)) {
                break;
            }
            if (!document.active().equals(source)) {
                throw new MigrationException(migrationId, "the document of " + definition.objectName + "/"
                        + definition.objectId + " points at " + document.active() + ", neither the source " + source
                        + " nor the target " + target);
            }
            TerminatedStream terminated = new TerminatedStream(source.streamId(), source.store(),
                    "migration " + migrationId, target.streamId(), target.store(), close.lastSourceVersion(),
                    close.closedAt());
            try {
                streams.documents().update(document.cutOver(target, terminated));
                break;
            } catch (DocumentConcurrencyException changed) {
                log.debug("Migration {}: document changed during cutover; re-reading it", migrationId);
            }
        }
        listener.cutover(definition.objectName, Duration.between(close.closedAt(), clock.instant()));
    }

    private void discardTarget() {
        try {
            // only while this migration still holds the lock: a new holder may have closed the source toward it
            if (lock != null && lock.isValid() && !closeMayBeWritten && closeOf(source) == null) {
                store(target).delete(target.streamId());
            }
        } catch (RuntimeException e) {
            log.warn("Migration {}: could not discard target {}", migrationId, target, e);
        }
    }

    // ---------------------------------------------------------------- control

    /** Between steps: stop if cancelled or the lock is lost, wait while paused. */
    private void checkpoint() {
        synchronized (this) {
            while (paused && !gated && !cancelRequested && !suspendRequested) {
                if (status != MigrationStatus.PAUSED) {
                    moveTo(phase, MigrationStatus.PAUSED);
                }
                try {
                    wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MigrationException(migrationId, "interrupted while paused", e);
                }
                requireLock();
            }
            requireLock();
            checkCancelled();
        }
        if (status == MigrationStatus.PAUSED) {
            moveTo(phase, MigrationStatus.IN_PROGRESS);
        }
        requireLock();
    }

    private void checkCancelled() {
        if (cancelRequested) {
            throw new Cancelled();
        }
        if (suspendRequested && !closing) {
            throw new Suspended();
        }
    }

    private void requireLock() {
        if (lock != null && !lock.isValid()) {
            throw new LockLostException(lockKey);
        }
    }

    private void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        synchronized (this) {
            try {
                long until = System.nanoTime() + delay.toNanos();
                long left;
                while (!cancelRequested && !suspendRequested && (left = until - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(migrationId, "interrupted", e);
            }
        }
    }

    @Override
    public String migrationId() {
        return migrationId;
    }

    @Override
    public MigrationProgress progress() {
        return new MigrationProgress(migrationId, phase, status, eventsCopied, eventsBehind, iterations);
    }

    @Override
    public synchronized void pause() {
        if (!result.isDone()) {
            paused = true;
        }
    }

    @Override
    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    @Override
    public synchronized boolean cancel() {
        if (closing || result.isDone()) {
            return false;
        }
        cancelRequested = true;
        notifyAll();
        return true;
    }

    /**
     * Stops the migration at its next safe point (before the close) and releases its lock, leaving its routing entry
     * {@code PAUSED}, so that it can be resumed later, in this process or after a restart. A migration past its close
     * finishes instead.
     */
    synchronized void suspend() {
        suspendRequested = true;
        notifyAll();
    }

    /** Whether {@link #pause()} was asked and the migration is waiting at a safe point. */
    boolean isPaused() {
        return status == MigrationStatus.PAUSED;
    }

    @Override
    public MigrationResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(migrationId, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new MigrationException(migrationId, "failed", e.getCause());
        }
    }

    @Override
    public MigrationResult await(Duration timeout) throws TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(migrationId, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new MigrationException(migrationId, "failed", e.getCause());
        }
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    /** Calls {@code hook} with the final status when the migration ends, before its result is handed out. */
    void onFinish(java.util.function.Consumer<MigrationStatus> hook) {
        onFinish = hook;
    }

    /** Ends this migration at once without running it (it was refused before it began). */
    void refuse(String why) {
        status = MigrationStatus.FAILED;
        phase = MigrationPhase.FAILED;
        MigrationResult refused = new MigrationResult(migrationId, MigrationStatus.FAILED,
                new MigrationStatistics(0, 0, 0, Duration.ZERO),
                new MigrationLockedException(migrationId, lockKey, new IllegalStateException(why)), List.of());
        result.complete(refused);
    }

    // ---------------------------------------------------------------- bookkeeping

    private void moveTo(MigrationPhase newPhase, MigrationStatus newStatus) {
        boolean changed = newPhase != phase || newStatus != status;
        phase = newPhase;
        status = newStatus;
        if (entry != null && changed || entry != null && entry.phase() != newPhase) {
            entry = entry.with(newPhase, newStatus, clock.instant()).withProgress(eventsCopied, eventsBehind,
                    clock.instant());
            record();
        }
        if (changed) {
            report(true);
        }
    }

    /**
     * Saves the progress in the routing entry at most once per progress interval (phase changes are saved at once):
     * a page copied is not worth a write of its own.
     */
    private void recordProgress() {
        long now = System.nanoTime();
        if (now - lastRecorded >= definition.progress.interval.toNanos()) {
            entry = entry.withProgress(eventsCopied, eventsBehind, clock.instant());
            record();
        }
    }

    /** Saves the entry; a refusal means a newer lock holder recorded it since: this run has lost its lock. */
    private void record() {
        lastRecorded = System.nanoTime();
        if (!routing.save(entry)) {
            log.warn("Migration {}: the routing entry was recorded by a newer holder of lock '{}'; stopping",
                    migrationId, lockKey);
            throw new LockLostException(lockKey);
        }
    }

    private void saveFailure(MigrationException error) {
        phase = MigrationPhase.FAILED;
        status = MigrationStatus.FAILED;
        if (entry != null) {
            try {
                entry = entry.with(MigrationPhase.FAILED, MigrationStatus.FAILED, clock.instant())
                        .withError(error.getMessage(), clock.instant());
                if (!routing.save(entry)) {
                    log.info("Migration {}: a newer lock holder recorded it since; its entry is left as is",
                            migrationId);
                }
            } catch (RuntimeException e) {
                log.warn("Migration {}: could not record the failure in the routing table", migrationId, e);
            }
        }
    }

    private void report(boolean force) {
        long now = System.nanoTime();
        if (force || now - lastReport >= definition.progress.interval.toNanos()) {
            lastReport = now;
            try {
                definition.progress.onProgress.accept(progress());
            } catch (RuntimeException e) {
                log.warn("Migration {}: progress callback failed", migrationId, e);
            }
        }
    }

    private void finish(MigrationStatus finalStatus, MigrationException error, long startedNanos, boolean recorded) {
        status = finalStatus;
        if (!recorded) {
            phase = finalStatus == MigrationStatus.CANCELLED ? MigrationPhase.CANCELLED : MigrationPhase.FAILED;
        }
        MigrationResult outcome = new MigrationResult(migrationId, finalStatus,
                new MigrationStatistics(eventsCopied, transformed, iterations,
                        Duration.ofNanos(System.nanoTime() - startedNanos)), error, skipped);
        onFinish.accept(finalStatus);
        listener.finished(outcome);
        try {
            definition.progress.onCompleted.accept(outcome);
        } catch (RuntimeException e) {
            log.warn("Migration {}: completion callback failed", migrationId, e);
        }
        result.complete(outcome);
    }

    private CloseEvent closeOf(StreamPointer pointer) {
        return store(pointer).closeEvent(pointer.streamId());
    }

    private ObjectDocument document() {
        return streams.documents().get(definition.objectName, definition.objectId)
                .orElseThrow(() -> new MigrationException(migrationId, "the document of " + definition.objectName + "/"
                        + definition.objectId + " is gone"));
    }

    private EventStore store(StreamPointer pointer) {
        return streams.stores().get(pointer.store());
    }

    /** Thrown inside the run when a suspension takes effect. */
    private static final class Suspended extends RuntimeException {
        Suspended() {
            super(null, null, false, false);
        }
    }

    /** Thrown inside the run when the routing entry ended meanwhile (cancelled, completed): it is not revived. */
    private static final class NotRevived extends RuntimeException {
        final MigrationException error;

        NotRevived(MigrationException error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    /** Thrown inside the run when a cancellation takes effect. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }
}
