package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.internal.WriteGates;
import java.util.List;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up and the close (design section 5, steps 3 to 5): copy iterations until the copy is close enough to the
 * source to append the close event at the version it copied to; when writers keep winning, the close that always
 * wins ({@code PAUSE_SOURCE}): hold the writers, copy the rest and close under the hold. Also finds a close already
 * written toward the target (a run that died after its close).
 */
final class CloseStep {

    private static final Logger log = LoggerFactory.getLogger(CloseStep.class);

    private final MigrationRun run;
    private final CopyStep copy;
    private final MigrationDefinition.Live live;
    private final ManualCutoverStep manualCutover;
    /** Where the copy stands: moved by each catch-up iteration and by the copy under a hold. */
    private Position position = Position.START;

    CloseStep(MigrationRun run, CopyStep copy) {
        this.run = run;
        this.copy = copy;
        this.live = run.definition.live();
        this.manualCutover = new ManualCutoverStep(run, copy);
    }

    /** The verification before every close attempt ({@code withVerification}), or {@code null} for none. */
    private @Nullable VerificationStep verification;

    void verifiedBy(VerificationStep step) {
        verification = step;
    }

    /**
     * Verifies the target up to where the copy stands, before a close names that position; incremental, so the bulk
     * of the work is done before the writers are held and a close that lost costs only what was copied since.
     */
    private void verify() {
        if (verification != null) {
            long started = System.nanoTime();
            verification.verify(position);
            copy.excuse(System.nanoTime() - started); // verifying is not the writers' fault: the timeout waits
        }
    }

    /** The source's close event when the source is already closed toward this migration's target. */
    @Nullable CloseEvent existingClose() {
        StreamPointer source = run.source;
        StreamPointer target = run.target();
        CloseEvent close = run.closeOf(source);
        if (close == null) {
            return null;
        }
        if (run.migrationId.equals(close.migrationId()) || target.streamId().equals(close.continuationStreamId())
                && target.store().equals(close.continuationStore())) {
            return close;
        }
        if (close.hasContinuation() && !run.definition.targetChosen()) {
            run.retarget(new StreamPointer(close.continuationStreamId(), close.continuationStore()));
            log.info("Source {} of migration {} was already closed toward {}; completing the cutover to it", source,
                    run.migrationId, run.target());
            return close;
        }
        throw new MigrationException(run.migrationId, "source " + source + " is already closed"
                + (close.hasContinuation() ? " and continues in " + close.continuationStore() + "/"
                + close.continuationStreamId() + ", not in the requested target " + target
                : " without a continuation") + "; nothing was changed");
    }

    /**
     * Catch-up iterations until a close is appended; answers that close.
     *
     * @param document the object's document as the protocol just read it
     */
    CloseEvent catchUpAndClose(ObjectDocument document) {
        StreamPointer source = run.source;
        if (!document.active().equals(source)) {
            throw new MigrationException(run.migrationId, "source " + source + " is not the active stream of "
                    + run.object() + " (active: " + document.active() + "); nothing was changed");
        }
        EventStore sourceStore = run.store(source);
        position = copy.targetPosition();
        copy.begin(sourceStore.version(source.streamId()));
        run.moveTo(MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS);
        if (live.manualCutover()) {
            position = manualCutover.awaitRequest(position);
            if (copy.ownClose() != null) {
                return copy.ownClose();
            }
            // the close timeout counts from the request, not from when the copy first caught up
            copy.restart(sourceStore.version(source.streamId()));
        }
        int lostCloses = 0;
        long behindBefore = Long.MAX_VALUE;
        int chunkSize = run.streams.settings().chunkSize();
        while (true) {
            position = copy.copy(position, true, 0, sourceStore.version(source.streamId()));
            if (copy.ownClose() != null) {
                return copy.ownClose();
            }
            copy.converging();
            run.iterations++;
            long sourceVersion = sourceStore.version(source.streamId());
            run.eventsBehind = Math.max(0, sourceVersion - position.copied());
            live.onCatchUpProgress().accept(new CatchUpProgress(run.iterations, sourceVersion, position.target(),
                    run.eventsBehind));
            run.listener.catchUpIteration(run.definition.objectName());
            run.report(false);

            verify();
            boolean overdue = copy.overdue();
            boolean losingGround = copy.takeLosingGround();
            long behind = run.eventsBehind;
            // hold the writers once the close has lost often enough with catch-up within a page, or as soon as
            // catch-up loses ground (writers add events faster than it copies: waiting only makes the hold longer)
            boolean holdWriters = live.convergenceFailure() == ConvergenceFailureStrategy.PAUSE_SOURCE
                    && (overdue || losingGround
                    || lostCloses >= live.closeAttemptsBeforePause() && behind <= chunkSize
                    || lostCloses >= 1 && behind > chunkSize && behind >= behindBefore);
            behindBefore = behind;
            run.moveTo(MigrationPhase.CLOSING, MigrationStatus.IN_PROGRESS);
            CloseEvent close = holdWriters ? closeHoldingWriters(sourceStore)
                    : tryClose((expected, events) -> sourceStore.append(source.streamId(), expected, events,
                    run.fencingToken()));
            if (close != null) {
                return close;
            }
            lostCloses++;
            if (overdue && live.convergenceFailure() == ConvergenceFailureStrategy.FAIL) {
                throw copy.notConverged();
            }
            run.moveTo(MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS);
            run.control.sleep(live.catchUpDelay());
        }
    }

    /**
     * The close that always wins ({@code PAUSE_SOURCE}): holds the source's writers through its store, so the
     * writers of every process wait, or, when the store cannot hold writers, through this process's write gate; for
     * at most {@code maxSourcePause}. Under the hold it copies what is left and appends the close, then lifts the
     * hold: waiting writers go on, onto the continuation. Answers {@code null} when the hold ran out first.
     */
    private @Nullable CloseEvent closeHoldingWriters(EventStore sourceStore) {
        long deadline = System.nanoTime() + live.maxSourcePause().toNanos();
        WriterHold hold;
        try {
            hold = live.maxSourcePause().isZero() ? null
                    : sourceStore.holdWriters(run.source.streamId(), live.maxSourcePause()).orElse(null);
        } catch (WriterHoldExpiredException busy) {
            log.debug("Migration {}: could not hold the writers of {} in time", run.migrationId, run.source);
            return null;
        }
        WriteGates.Closed gate = null;
        if (hold == null) {
            gate = run.streams.gates().close(run.definition.objectName(), run.definition.objectId(),
                    live.maxSourcePause(), live.maxSourcePause());
        }
        run.control.holdingWriters(hold != null || gate != null);
        CloseEvent close = null;
        try {
            close = copyAndCloseUnder(hold, sourceStore, deadline);
        } finally {
            if (gate != null) {
                gate.close();
            }
            run.control.holdingWriters(false);
            if (hold != null) {
                close = lift(hold, close);
            }
        }
        return close;
    }

    /** Under a hold (or the gate, when {@code hold} is null): copies what is left and tries the close. */
    private @Nullable CloseEvent copyAndCloseUnder(@Nullable WriterHold hold, EventStore sourceStore, long deadline) {
        try {
            while (true) {
                position = copy.copy(position, false, deadline, Long.MAX_VALUE);
                if (copy.ownClose() != null) {
                    return copy.ownClose();
                }
                if (System.nanoTime() - deadline > 0) {
                    log.debug("Migration {}: the hold on the writers of {} ran out before the close",
                            run.migrationId, run.source);
                    return null;
                }
                CloseEvent close = tryClose((expected, events) -> hold != null
                        ? hold.append(expected, events, run.fencingToken())
                        : sourceStore.append(run.source.streamId(), expected, events, run.fencingToken()));
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
    private @Nullable CloseEvent lift(WriterHold hold, @Nullable CloseEvent appended) {
        try {
            hold.close();
            return appended;
        } catch (RuntimeException unknown) {
            CloseEvent written = run.closeOf(run.source);
            if (written != null && run.migrationId.equals(written.migrationId())) {
                return written;
            }
            if (appended != null) {
                log.warn("Migration {}: lifting the hold on {} failed; its close is not there, trying again",
                        run.migrationId, run.source, unknown);
                run.control.closeMayBeWritten();
            }
            return null;
        }
    }

    /**
     * Appends the close at the version caught up to, through {@code appender}; {@code null} when writers got there
     * first.
     */
    private @Nullable CloseEvent tryClose(BiFunction<ExpectedVersion, List<EventData>, AppendResult> appender) {
        verify();
        run.control.enterClose();
        run.requireLock();
        StreamPointer target = run.target();
        CloseEvent close = new CloseEvent(target.streamId(), target.store(), "migration", run.migrationId,
                position.copied(), position.target(), run.clock.instant());
        try {
            AppendResult appended = appender.apply(ExpectedVersion.exactly(position.copied()),
                    List.of(close.toEventData()));
            return appended.alreadyWritten() ? run.closeOf(run.source) : close;
        } catch (WrongExpectedVersionException moved) {
            log.debug("Migration {}: writers moved the source past {}; catching up again", run.migrationId,
                    position.copied());
        } catch (EventStreamClosedException closed) {
            if (run.migrationId.equals(closed.close().migrationId())) {
                return closed.close();
            }
            throw new MigrationException(run.migrationId, "source " + run.source + " was closed by someone else"
                    + " during the migration", closed);
        } catch (StaleFencingTokenException fenced) {
            throw new LockLostException(run.lockKey);
        } catch (CommitFailedException unknown) {
            CloseEvent written = run.closeOf(run.source);
            if (written != null && run.migrationId.equals(written.migrationId())) {
                return written;
            }
            log.warn("Migration {}: the close append's outcome was unknown and it is not there; trying again",
                    run.migrationId, unknown);
            run.control.closeMayBeWritten();
        }
        run.control.leaveClose();
        return null;
    }
}
