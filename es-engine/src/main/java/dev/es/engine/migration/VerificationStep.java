package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification before the close (design section 5, between steps 4 and 5; {@code withVerification}): the target is
 * compared with the source as transformed, up to the version the close will name, before every close attempt. A
 * difference throws {@link MigrationVerificationException}: the migration fails before the close, the source
 * untouched and writable.
 *
 * <p>Everything is incremental, so a close that loses to writers (and comes back here with a few more events) costs
 * only those events:
 * <ul>
 *   <li><b>expected</b>: what the copy appended, hashed as it appends it ({@link #copied}); a range the copy did not
 *       report in order (a re-synchronised append, a resumed run) is computed from the source instead;</li>
 *   <li><b>actual</b>: the target read back from its store, from where the last verification stopped;</li>
 *   <li>{@link VerificationLevel#FULL} and the caller's checks compare the range since the last verification event
 *       by event, the source read and transformed again.</li>
 * </ul>
 * A change to the target after its events were copied and before they are verified is caught, since the actual
 * side reads the store; an event already verified is not read again by a later attempt (tampering between two
 * attempts of the same run goes unseen until the standalone {@link EventStreamMigrationService#verify}).
 */
final class VerificationStep {

    private static final Logger log = LoggerFactory.getLogger(VerificationStep.class);

    private final MigrationRun run;
    private final VerificationSpec spec;
    private final ExpectedCopies copies;

    /** Expected: the source as transformed, up to this source version and (its copies) this target version. */
    private long expectedSource;
    private long expectedTarget;
    private EventDigest expected = new EventDigest();
    /** Actual: the target as its store reads it back, up to this version. */
    private long actualTarget;
    private EventDigest actual = new EventDigest();
    /** Where the last verification that matched stood. */
    private Position verified = Position.START;
    private @Nullable VerificationResult last;

    VerificationStep(MigrationRun run, VerificationSpec spec) {
        this.run = run;
        this.spec = spec;
        this.copies = new ExpectedCopies(run.definition.transformer(), run.definition.transformFailurePolicy(),
                run.sourceName);
    }

    /** The last verification's outcome, or {@code null} when none ran. */
    @Nullable VerificationResult result() {
        return last;
    }

    /**
     * The copy appended {@code appended}, the copies of source versions {@code (sourceFrom, sourceTo]}, as target
     * versions {@code (targetFrom, targetTo]}. Hashed when it continues what was hashed; otherwise left for
     * {@link #verify} to compute from the source.
     */
    void copied(long sourceFrom, long sourceTo, long targetFrom, long targetTo, List<EventData> appended) {
        if (sourceFrom != expectedSource || targetFrom != expectedTarget
                || targetTo - targetFrom != appended.size()) {
            return;
        }
        if (spec.level() == VerificationLevel.HASH) {
            for (EventData e : appended) {
                expected.add(e.eventId(), e.type(), e.schemaVersion(), e.payload());
            }
        }
        expectedSource = sourceTo;
        expectedTarget = targetTo;
    }

    /**
     * Verifies the target up to {@code at} (the position the close will name), from where the last verification
     * stopped; nothing to do when it stopped there.
     *
     * @throws MigrationVerificationException on the first difference
     */
    void verify(Position at) {
        if (at.equals(verified)) {
            if (last == null) {
                last = new VerificationResult(run.migrationId, spec.level(), true, 0, 0, 0, null); // nothing copied
            }
            return;
        }
        if (at.copied() < verified.copied() || at.target() < verified.target()) {
            restart(); // the target went back under the copy: verify it all again
        }
        long started = System.nanoTime();
        int pageSize = run.streams.settings().chunkSize();
        boolean announce = at.target() - verified.target() > pageSize;
        MigrationPhase phase = run.phase;
        if (announce) {
            run.moveTo(phase, MigrationStatus.VERIFYING);
        }
        StreamPointer target = run.target();
        EventStore targetStore = run.store(target);
        long stored = targetStore.version(target.streamId());
        if (stored != at.target()) {
            fail(at, countMismatch(targetStore, target, stored, at));
        }
        RangeComparison range = new RangeComparison(run.store(run.source), run.source.streamId(), targetStore,
                target.streamId(), copies, pageSize, run::checkpoint);
        switch (spec.level()) {
            case COUNT -> {
                extendExpected(at);
                if (expectedTarget != at.target()) {
                    fail(at, locate(range, at, RangeComparison.IDS, "count", "the source, transformed up to version "
                            + at.copied() + ", makes " + expectedTarget + " event(s); the target holds "
                            + at.target()));
                }
                compareChecks(range, at, RangeComparison.NONE, null);
            }
            case HASH -> {
                extendExpected(at);
                if (spec.checks().isEmpty()) {
                    readActual(targetStore, target, at.target());
                } else {
                    compareChecks(range, at, RangeComparison.HASHED, e -> {
                        actual.add(e.eventId(), e.type(), e.schemaVersion(), e.payload());
                        actualTarget = e.version();
                    });
                }
                if (expected.count() != actual.count() || !expected.value().equals(actual.value())) {
                    fail(at, locate(range, at, RangeComparison.HASHED, "hash", "the target read back from its"
                            + " store hashes differently from what the copy appended, in versions "
                            + (verified.target() + 1) + " to " + at.target() + ", though each event matches the"
                            + " source transformed again: is the transformer deterministic?"));
                }
            }
            case FULL -> compareChecks(range, at, RangeComparison.ALL, null);
        }
        verified = at;
        last = new VerificationResult(run.migrationId, spec.level(), true, at.target(), at.copied(), at.target(),
                null);
        if (announce) {
            run.moveTo(phase, MigrationStatus.IN_PROGRESS);
        }
        log.debug("Migration {}: verified ({}) up to source version {} / target version {} in {} ms",
                run.migrationId, spec.level(), at.copied(), at.target(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Event by event over the range since the last verification: the fields asked and the caller's checks. */
    private void compareChecks(RangeComparison range, Position at, Set<RangeComparison.Field> fields,
                               @Nullable Consumer<StoredEvent> onTarget) {
        if (fields.isEmpty() && spec.checks().isEmpty()) {
            return;
        }
        RangeComparison.Outcome outcome = range.compare(verified.copied(), at.copied(), verified.target(),
                at.target(), fields, spec.checks(), onTarget);
        if (outcome.mismatch() != null) {
            fail(at, outcome.mismatch());
        }
    }

    /** Brings the expected side up to {@code at}, from the source, where the copy did not report it in order. */
    private void extendExpected(Position at) {
        if (expectedSource > at.copied() || expectedTarget > at.target()) {
            expectedSource = 0;
            expectedTarget = 0;
            expected = new EventDigest();
        }
        long next = expectedSource + 1;
        int pageSize = run.streams.settings().chunkSize();
        while (next <= at.copied()) {
            run.checkpoint();
            List<StoredEvent> page = run.store(run.source).read(run.source.streamId(), next,
                    (int) Math.min(pageSize, at.copied() - next + 1));
            if (page.isEmpty()) {
                fail(at, new VerificationMismatch(expectedTarget + 1, next, null, "count", "the source ends at"
                        + " version " + (next - 1) + ", before version " + at.copied(), null));
            }
            for (StoredEvent source : page) {
                if (source.isCloseEvent() || source.version() > at.copied()) {
                    break;
                }
                List<EventData> made;
                try {
                    made = copies.of(source);
                } catch (ExpectedCopies.TransformFailed failed) {
                    fail(at, new VerificationMismatch(expectedTarget + 1, source.version(), source.eventId(),
                            "transform", "the transformer failed on this source event while verifying: "
                            + failed.getMessage(), null));
                    return;
                }
                for (EventData e : made) {
                    if (spec.level() == VerificationLevel.HASH) {
                        expected.add(e.eventId(), e.type(), e.schemaVersion(), e.payload());
                    }
                    expectedTarget++;
                }
                expectedSource = source.version();
                next = source.version() + 1;
            }
        }
    }

    /** Reads the target from where the actual side stands up to {@code upTo}, hashing it. */
    private void readActual(EventStore targetStore, StreamPointer target, long upTo) {
        if (actualTarget > upTo) {
            actualTarget = 0;
            actual = new EventDigest();
        }
        int pageSize = run.streams.settings().chunkSize();
        while (actualTarget < upTo) {
            run.checkpoint();
            List<StoredEvent> page = targetStore.read(target.streamId(), actualTarget + 1,
                    (int) Math.min(pageSize, upTo - actualTarget));
            if (page.isEmpty()) {
                return; // fewer than counted: the digests differ, and the difference is located
            }
            for (StoredEvent e : page) {
                actual.add(e.eventId(), e.type(), e.schemaVersion(), e.payload());
                actualTarget = e.version();
            }
        }
    }

    /**
     * The first event by event difference in the range since the last verification; {@code field} with
     * {@code otherwise} when there is none there (the difference is not one of single events).
     */
    private VerificationMismatch locate(RangeComparison range, Position at, Set<RangeComparison.Field> fields,
                                        String field, String otherwise) {
        RangeComparison.Outcome outcome = range.compare(verified.copied(), at.copied(), verified.target(),
                at.target(), fields, List.of(), null);
        return outcome.mismatch() != null ? outcome.mismatch()
                : new VerificationMismatch(verified.target() + 1, verified.copied() + 1, null, field, otherwise, null);
    }

    /** The target store holds another number of events than the copy wrote: someone added or removed some. */
    private VerificationMismatch countMismatch(EventStore targetStore, StreamPointer target, long stored,
                                               Position at) {
        if (stored > at.target()) {
            List<StoredEvent> extra = targetStore.read(target.streamId(), at.target() + 1, 1);
            String id = extra.isEmpty() ? null : extra.get(0).eventId();
            return new VerificationMismatch(at.target() + 1, 0, id, "extra", "the target holds " + stored
                    + " event(s) but the copy wrote " + at.target() + ": something else appended to it", null);
        }
        return new VerificationMismatch(stored + 1, 0, null, "missing", "the target holds " + stored
                + " event(s) but the copy wrote " + at.target() + ": events were removed from it", null);
    }

    private void restart() {
        verified = Position.START;
        expectedSource = 0;
        expectedTarget = 0;
        expected = new EventDigest();
        actualTarget = 0;
        actual = new EventDigest();
    }

    private void fail(Position at, VerificationMismatch mismatch) {
        last = new VerificationResult(run.migrationId, spec.level(), false, verified.target(), at.copied(),
                at.target(), mismatch);
        log.warn("Migration {} of {}: verification ({}) failed before the close; the source {} stays open and"
                + " writable, the target {} is left for inspection: {}", run.migrationId, run.object(),
                spec.level(), run.source, run.target(), mismatch.describe());
        throw new MigrationVerificationException(run.migrationId, last);
    }
}
