package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventTransformer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification of a finished migration ({@link EventStreamMigrationService#verify}): its terminated source, up to
 * the version its close names ({@code lastSourceVersion}), transformed, against the prefix of the target it was
 * copied to ({@code targetVersionAtClose}); events written to the target after the cutover are not part of it.
 * Read-only, with no lock: both ranges no longer change (the source is closed, the target prefix is history).
 */
final class FinishedMigrationVerification {

    private static final Logger log = LoggerFactory.getLogger(FinishedMigrationVerification.class);

    private final EventStreams streams;

    FinishedMigrationVerification(EventStreams streams) {
        this.streams = streams;
    }

    /**
     * @param transformer      what the migration's copy made of each source event
     * @param failurePolicy    what the copy did when the transformer failed
     * @param checks           the caller's checks to run on every pair
     * @param transformerKnown whether {@code transformer} is the migration's (given, or from its definition);
     *                         otherwise the identity is assumed, and a mismatch says so
     */
    VerificationResult verify(MigrationEntry entry, VerificationLevel level, EventTransformer transformer,
                              TransformFailurePolicy failurePolicy, List<VerificationSpec.Check> checks,
                              boolean transformerKnown) {
        String id = entry.migrationId();
        StreamPointer source = entry.source();
        StreamPointer target = entry.target();
        EventStore sourceStore = streams.stores().get(source.store());
        EventStore targetStore = streams.stores().get(target.store());
        CloseEvent close = sourceStore.closeEvent(source.streamId());
        if (close == null) {
            throw new MigrationException(id, "its source " + source + " holds no close event: the migration has not"
                    + " closed it (yet), or the source was deleted, so there is nothing finished to verify"
                    + " (verification before the close is withVerification)");
        }
        if (!id.equals(close.migrationId()) || !target.streamId().equals(close.continuationStreamId())
                || !target.store().equals(close.continuationStore())) {
            throw new MigrationException(id, "its source " + source + " was closed by " + (close.migrationId() == null
                    ? "hand" : "migration " + close.migrationId()) + " toward " + close.continuationStore() + "/"
                    + close.continuationStreamId() + ", not by this migration toward " + target);
        }
        long sourceVersion = close.lastSourceVersion();
        long targetVersion = close.targetVersionAtClose();
        long started = System.nanoTime();
        ExpectedCopies copies = new ExpectedCopies(transformer, failurePolicy, source.toString());
        int pageSize = streams.settings().chunkSize();
        RangeComparison range = new RangeComparison(sourceStore, source.streamId(), targetStore, target.streamId(),
                copies, pageSize, () -> { });
        @Nullable VerificationMismatch mismatch;
        long compared = 0;
        long stored = targetStore.version(target.streamId());
        if (stored < targetVersion) {
            mismatch = new VerificationMismatch(stored + 1, 0, null, "missing", "the target holds " + stored
                    + " event(s); the close names " + targetVersion, null);
        } else if (level == VerificationLevel.COUNT && copies.oneToOne() && checks.isEmpty()) {
            mismatch = countOneToOne(targetStore, target, source, sourceVersion, targetVersion);
            if (mismatch != null) {
                mismatch = located(range, sourceVersion, targetVersion, mismatch);
            }
            compared = targetVersion;
        } else {
            RangeComparison.Outcome outcome = range.compare(0, sourceVersion, 0, targetVersion, switch (level) {
                case COUNT -> RangeComparison.IDS;
                case HASH -> RangeComparison.HASHED;
                case FULL -> RangeComparison.ALL;
            }, checks, null);
            mismatch = outcome.mismatch();
            compared = outcome.compared();
        }
        if (mismatch != null && !transformerKnown) {
            mismatch = new VerificationMismatch(mismatch.targetVersion(), mismatch.sourceVersion(),
                    mismatch.eventId(), mismatch.field(), mismatch.detail() + " (compared as a migration without a"
                    + " transformer: this process does not know the migration's definition; if it used a"
                    + " transformer, pass it to verify(migrationId, level, transformer))", mismatch.check());
        }
        VerificationResult result = new VerificationResult(id, level, mismatch == null, compared, sourceVersion,
                targetVersion, mismatch);
        if (mismatch == null) {
            log.info("Migration {}: verified ({}) {} against {}: {} event(s) match, in {} ms", id, level, source,
                    target, compared, (System.nanoTime() - started) / 1_000_000);
        } else {
            log.warn("Migration {}: verification ({}) of {} against {} found a mismatch: {}", id, level, source,
                    target, mismatch.describe());
        }
        return result;
    }

    /**
     * Counts of a migration that copied each event once: the target's event at the version the close names must be
     * the copy of the source's last event.
     */
    private static @Nullable VerificationMismatch countOneToOne(EventStore targetStore, StreamPointer target,
                                                      StreamPointer source, long sourceVersion, long targetVersion) {
        if (sourceVersion != targetVersion) {
            return new VerificationMismatch(Math.min(sourceVersion, targetVersion) + 1, 0, null, "count", "the"
                    + " source holds " + sourceVersion + " event(s), the target prefix " + targetVersion, null);
        }
        if (targetVersion == 0) {
            return null;
        }
        List<StoredEvent> last = targetStore.read(target.streamId(), targetVersion, 1);
        if (last.isEmpty()) {
            return new VerificationMismatch(targetVersion, sourceVersion, null, "missing", "the target has no event"
                    + " at version " + targetVersion, null);
        }
        StoredEvent event = last.get(0);
        String from = event.metadata().get(CopyStep.MIGRATED_FROM);
        String version = event.metadata().get(CopyStep.SOURCE_VERSION);
        if (!source.toString().equals(from) || !Long.toString(sourceVersion).equals(version)) {
            return new VerificationMismatch(targetVersion, sourceVersion, event.eventId(), "metadata", "the target's"
                    + " event at the close is not the copy of source version " + sourceVersion + " (it says "
                    + from + " version " + version + ")", null);
        }
        return null;
    }

    /** Names the event of a count mismatch, when one event can be named. */
    private static VerificationMismatch located(RangeComparison range, long sourceVersion, long targetVersion,
                                                VerificationMismatch count) {
        VerificationMismatch named = range.compare(0, sourceVersion, 0, targetVersion, RangeComparison.IDS,
                List.of(), null).mismatch();
        return named != null ? named : count;
    }
}
