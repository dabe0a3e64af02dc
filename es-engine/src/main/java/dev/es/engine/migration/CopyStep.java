package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.store.blob.AppendTooLargeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy (design section 5, steps 3 and 4): source events past the target's high-water mark, page by page,
 * transformed, with their provenance in metadata, as fenced appends to the target. It also keeps what the close step
 * needs to know about convergence: when catch-up reached the source's version at its start (the close timeout counts
 * from there), whether writers outpace the copy, and this migration's own close found in the source. The copy keeps
 * to the migration's rate limit ({@link Throttle}) except under a writer hold, and copies a page whose copies are too
 * large for one target append in smaller appends, never splitting one source event's copies.
 */
final class CopyStep {

    /** Metadata on copied events: the stream they were copied from ({@code store/streamId}). */
    static final String MIGRATED_FROM = "es.migratedFrom";
    /** Metadata on copied events: their version in the source stream. */
    static final String SOURCE_VERSION = "es.sourceVersion";

    private static final Logger log = LoggerFactory.getLogger(CopyStep.class);
    /** Every how many pages a catch-up iteration checks whether writers outpace it. */
    private static final int GROUND_CHECK_PAGES = 16;
    /** How many target conflicts or unknown outcomes in a row a copy re-syncs from before it gives up. */
    static final int MAX_RESYNCS = 5;

    private final MigrationRun run;
    private final MigrationDefinition.Live live;
    /** This migration's own close, found in the source while copying (a close whose answer was lost). */
    private @Nullable CloseEvent ownClose;
    /** A catch-up iteration stopped early because writers outpaced it (PAUSE_SOURCE then holds them at once). */
    private boolean losingGround;
    /** Source version when catch-up began: copying up to it is history, not a race with writers. */
    private long initialSourceVersion;
    /** When catch-up first reached {@link #initialSourceVersion}; the close timeout counts from here (0: not yet). */
    private long convergingSince;
    /** The copy's rate limit ({@code maxEventsPerSecond}). */
    private final Throttle throttle;
    /** The most source events per page, lowered when a page's copies were too large for one target append. */
    private int pageLimit = Integer.MAX_VALUE;
    /** Whether the target was empty when this run raised its fence, until the next {@link #targetPosition}. */
    private boolean targetFencedEmpty;

    CopyStep(MigrationRun run) {
        this.run = run;
        this.live = run.definition.live();
        this.throttle = new Throttle(live.maxEventsPerSecond());
    }

    /** The verification that hashes what this copy appends ({@code withVerification}); set before the copy runs. */
    private @Nullable VerificationStep verification;

    void verifiedBy(VerificationStep step) {
        verification = step;
    }

    /** Catch-up begins with the source at {@code sourceVersion}. */
    void begin(long sourceVersion) {
        initialSourceVersion = sourceVersion;
    }

    /**
     * Catch-up begins anew with the source at {@code sourceVersion} (a manual cutover was asked for after the
     * migration waited): the close timeout counts again from when the copy reaches it.
     */
    void restart(long sourceVersion) {
        initialSourceVersion = sourceVersion;
        convergingSince = 0;
        losingGround = false;
    }

    @Nullable CloseEvent ownClose() {
        return ownClose;
    }

    /** Whether the last catch-up iteration stopped early because writers outpace it; asking resets it. */
    boolean takeLosingGround() {
        boolean was = losingGround;
        losingGround = false;
        return was;
    }

    /** The copy has reached the source as it was when catch-up began: from now on the close timeout counts. */
    void converging() {
        if (convergingSince == 0) {
            convergingSince = System.nanoTime();
        }
    }

    /** Time spent on something else than converging (verifying) does not count toward the close timeout. */
    void excuse(long nanos) {
        if (convergingSince != 0) {
            convergingSince += nanos;
        }
    }

    /** Whether writers kept the close from winning for longer than the close timeout. */
    boolean overdue() {
        return convergingSince != 0 && System.nanoTime() - convergingSince > live.closeTimeout().toNanos();
    }

    MigrationException notConverged() {
        return new MigrationException(run.migrationId, "writers kept the source moving for longer than the close"
                + " timeout (" + live.closeTimeout() + "); " + run.eventsBehind + " event(s) behind after "
                + run.iterations + " catch-up iteration(s). The source stays open and writable");
    }

    /**
     * Copies source events past the target's high-water mark, page by page, until the source is exhausted or, when
     * {@code enforceTimeout}, the close timeout is over (then it fails under {@code FAIL}, and returns early under
     * {@code PAUSE_SOURCE} so that the writers can be held), or {@code deadline} (a {@link System#nanoTime()}; 0 for
     * none) has passed, or the copy has reached {@code upTo}. Finding this migration's own close in the source keeps
     * it as {@link #ownClose()} and returns.
     *
     * @param upTo the source version this call need not copy past ({@link Long#MAX_VALUE}: to the end), so that a
     *             catch-up iteration ends even when writers add events faster than it copies
     * @return the new position
     */
    Position copy(Position from, boolean enforceTimeout, long deadline, long upTo) {
        StreamPointer source = run.source;
        StreamPointer target = run.target();
        EventStore sourceStore = run.store(source);
        EventStore targetStore = run.store(target);
        int chunkSize = run.streams.settings().chunkSize();
        long copied = from.copied();
        long targetVersion = from.target();
        int resyncs = 0;
        int pages = 0;
        long behindAtFirstCheck = -1;
        while (true) {
            run.checkpoint();
            if (deadline != 0 && System.nanoTime() - deadline > 0 || copied >= upTo) {
                return new Position(copied, targetVersion);
            }
            if (enforceTimeout && overdue()) {
                if (live.convergenceFailure() == ConvergenceFailureStrategy.FAIL) {
                    throw notConverged();
                }
                if (live.convergenceFailure() == ConvergenceFailureStrategy.PAUSE_SOURCE) {
                    return new Position(copied, targetVersion);
                }
            }
            if (!run.control.holdingWriters()) {
                // the rate limit; never while writers wait for the close. A pause or cancel wakes the sleep, and
                // the checkpoint above then handles it before the next page
                Duration wait = throttle.untilNextPage();
                if (!wait.isZero()) {
                    run.control.sleep(wait);
                    continue;
                }
            }
            int pageSize = Math.min(pageLimit, throttle.pageSize(chunkSize));
            List<StoredEvent> page = sourceStore.read(source.streamId(), copied + 1, pageSize);
            if (page.isEmpty()) {
                return new Position(copied, targetVersion);
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
            long targetBefore = targetVersion;
            if (!out.isEmpty()) {
                out.forEach(live.onBeforeAppend());
                run.requireLock();
                try {
                    AppendResult appended = targetStore.append(target.streamId(),
                            targetVersion == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(targetVersion),
                            out, run.fencingToken());
                    targetVersion = appended.alreadyWritten() ? targetStore.version(target.streamId())
                            : appended.newVersion();
                } catch (StaleFencingTokenException fenced) {
                    throw new LockLostException(run.lockKey);
                } catch (AppendTooLargeException tooLarge) {
                    // nothing was written: copy fewer source events per append, down to one
                    if (consumed.size() <= 1) {
                        StoredEvent event = consumed.get(0);
                        throw new MigrationException(run.migrationId, "the copies of event " + event.eventId()
                                + " ('" + event.type() + "' at version " + event.version() + " of " + source
                                + ") are too large for one append to target store '" + target.store() + "' ("
                                + tooLarge.getMessage() + "); stopped before the close, the source is untouched",
                                tooLarge);
                    }
                    pageLimit = Math.max(1, consumed.size() / 2);
                    log.debug("Migration {}: a page of {} event(s) is too large for one append to {}; copying at"
                            + " most {} per append", run.migrationId, consumed.size(), target, pageLimit);
                    continue;
                } catch (WrongExpectedVersionException | CommitFailedException resync) {
                    if (++resyncs > MAX_RESYNCS) {
                        throw new MigrationException(run.migrationId, "appends to target " + target
                                + " keep failing; stopped before the close", resync);
                    }
                    log.debug("Migration {}: target moved or append outcome unknown; re-reading its high-water mark",
                            run.migrationId, resync);
                    Position fresh = targetPosition();
                    copied = fresh.copied();
                    targetVersion = fresh.target();
                    continue;
                }
            }
            if (!consumed.isEmpty()) {
                long copiedBefore = copied;
                copied = consumed.get(consumed.size() - 1).version();
                if (verification != null) {
                    verification.copied(copiedBefore, copied, targetBefore, targetVersion, out);
                }
                if (copied >= initialSourceVersion) {
                    converging();
                }
                run.eventsCopied += consumed.size();
                throttle.copied(consumed.size());
                run.listener.eventsCopied(run.definition.objectName(), consumed.size());
                consumed.forEach(live.onEventCopied());
                run.recordProgress();
                run.report(false);
            }
            if (consumed.size() < page.size()) {
                // the source holds a close event: ours whose answer was lost, or someone else's
                CloseEvent close = run.closeOf(source);
                if (close != null && run.migrationId.equals(close.migrationId())) {
                    ownClose = close;
                    return new Position(copied, targetVersion);
                }
                throw new MigrationException(run.migrationId, "source " + source + " was closed during catch-up"
                        + (close != null && close.hasContinuation() ? " toward " + close.continuationStore() + "/"
                        + close.continuationStreamId() : ""));
            }
            if (page.size() < pageSize) {
                return new Position(copied, targetVersion);
            }
            if (enforceTimeout && live.convergenceFailure() == ConvergenceFailureStrategy.PAUSE_SOURCE
                    && ++pages % GROUND_CHECK_PAGES == 0) {
                long behind = sourceStore.version(source.streamId()) - copied;
                if (behindAtFirstCheck < 0) {
                    behindAtFirstCheck = behind;
                } else if (behind > behindAtFirstCheck + chunkSize) {
                    // writers add events faster than this iteration copies them: hold them now, not after it
                    losingGround = true;
                    return new Position(copied, targetVersion);
                }
            }
        }
    }

    /** The copies of one source event: transformed, with deterministic ids and their provenance in metadata. */
    private List<EventData> convert(StoredEvent event) {
        MigrationDefinition definition = run.definition;
        if (!definition.transformer().canTransform(event.type(), event.schemaVersion())) {
            // not transformed: the copy is built once, straight from the stored event
            return List.of(new EventData(event.eventId(), event.type(), event.schemaVersion(), event.payload(),
                    provenance(event.metadata(), event), event.recordedAt()));
        }
        List<EventData> produced;
        try {
            produced = definition.transformer().transform(event);
            run.transformed++;
        } catch (RuntimeException e) {
            if (definition.transformFailurePolicy() == TransformFailurePolicy.SKIP_AND_RECORD) {
                run.skipped.add(new SkippedEvent(event.eventId(), event.type(), event.version(), e.toString()));
                log.warn("Migration {}: skipped event {} (v{} of {}) whose transformation failed", run.migrationId,
                        event.eventId(), event.version(), run.source, e);
                return List.of();
            }
            throw new MigrationException(run.migrationId, "the transformer failed on event " + event.eventId()
                    + " ('" + event.type() + "' at version " + event.version() + " of " + run.source
                    + "); the source is untouched", e);
        }
        List<EventData> copies = new ArrayList<>(produced.size());
        for (int i = 0; i < produced.size(); i++) {
            EventData e = produced.get(i);
            String id = ExpectedCopies.copyId(event.eventId(), i);
            copies.add(new EventData(id, e.type(), e.schemaVersion(), e.payload(), provenance(e.metadata(), event),
                    event.recordedAt()));
        }
        return copies;
    }

    /** {@code metadata} plus where the copy came from: the source stream and the event's version there. */
    private Map<String, String> provenance(Map<String, String> metadata, StoredEvent from) {
        return ExpectedCopies.provenance(metadata, run.sourceName, from.version());
    }

    /**
     * This run raised the target's fence on {@code version} events, when its store said: on an empty target the
     * next {@link #targetPosition} is the start, without a read. Nothing else writes there meanwhile: writers reach
     * the target only through a close (there is none, or the copy would not start), and a newer lock holder would
     * raise the fence above this run's token, so that this run's first copy is refused.
     */
    void targetFencedAt(OptionalLong version) {
        targetFencedEmpty = version.isPresent() && version.getAsLong() == 0;
    }

    /** Where the copy stands, read from the target's last event: the source version it came from, its version. */
    Position targetPosition() {
        if (targetFencedEmpty) {
            targetFencedEmpty = false;
            return Position.START;
        }
        StreamPointer target = run.target();
        StoredEvent last = run.store(target).lastEvent(target.streamId());
        if (last == null) {
            return Position.START;
        }
        String from = last.metadata().get(MIGRATED_FROM);
        String sourceVersion = last.metadata().get(SOURCE_VERSION);
        if (!run.sourceName.equals(from) || sourceVersion == null) {
            throw new MigrationException(run.migrationId, "target stream " + target + " already holds "
                    + last.version() + " event(s) that were not copied from " + run.source
                    + "; choose an empty target");
        }
        return new Position(Long.parseLong(sourceVersion), last.version());
    }
}
