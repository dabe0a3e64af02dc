package dev.es.engine.migration;

import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.internal.Backoff;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cutover (design section 5, step 6): the object's document is switched from the closed source to the target,
 * by compare-and-set, the source recorded as a terminated stream. Also what a cancel undoes before it: discarding the
 * target.
 */
final class CutoverStep {

    private static final Logger log = LoggerFactory.getLogger(CutoverStep.class);
    /** Documents that change under the cutover: re-read and try again, pausing, at most 100 times (about 20 s). */
    private static final Backoff CHANGED_DOCUMENT = new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), 100);

    private final MigrationRun run;

    CutoverStep(MigrationRun run) {
        this.run = run;
    }

    /**
     * Switches the document to the target, after {@code close}; done when it already points there.
     *
     * @param lastRead the document as this run last read it under the lock (the protocol's read before the
     *                 catch-up), or {@code null}: its compare-and-set is tried first, without reading the document
     *                 again; when the document changed since (a tag, say), it is read again
     */
    void cutOver(CloseEvent close, @Nullable ObjectDocument lastRead) {
        run.moveTo(MigrationPhase.CUTOVER, MigrationStatus.CUTTING_OVER);
        StreamPointer source = run.source;
        StreamPointer target = run.target();
        Backoff.Retry retry = CHANGED_DOCUMENT.start();
        ObjectDocument known = lastRead;
        while (true) {
            run.requireLock();
            ObjectDocument document = known != null ? known : run.document();
            if (document.active().equals(target)) {
                break;
            }
            if (!document.active().equals(source)) {
                throw new MigrationException(run.migrationId, "the document of " + run.object() + " points at "
                        + document.active() + ", neither the source " + source + " nor the target " + target);
            }
            TerminatedStream terminated = new TerminatedStream(source.streamId(), source.store(),
                    "migration " + run.migrationId, target.streamId(), target.store(), close.lastSourceVersion(),
                    close.closedAt());
            try {
                // an update whose outcome was unknown and is tried again finds its own etag gone: re-read below
                run.resilience.call(MigrationRun.DOCUMENTS,
                        () -> run.streams.documents().update(document.cutOver(target, terminated)));
                break;
            } catch (DocumentConcurrencyException changed) {
                if (known != null) {
                    // changed since the protocol read it: read it now, no pause (nobody is racing this cutover)
                    known = null;
                    log.debug("Migration {}: document changed since it was read; re-reading it", run.migrationId);
                    continue;
                }
                if (!retry.failed()) {
                    throw new MigrationException(run.migrationId, "the document of " + run.object() + " kept"
                            + " changing during the cutover (" + retry.failures() + " attempts); the source is"
                            + " closed toward " + target + ", which writers follow; run the migration again to"
                            + " finish the cutover", changed);
                }
                log.debug("Migration {}: document changed during cutover; re-reading it", run.migrationId);
                retry.pause();
            }
        }
        run.listener.cutover(run.definition.objectName(), Duration.between(close.closedAt(), run.clock.instant()));
    }

    /**
     * A cancelled migration's target is deleted, only while this run still holds the lock and no close of it may be
     * written: a newer holder may have closed the source toward it.
     */
    void discardTarget() {
        StreamPointer target = run.target();
        try {
            if (run.lock != null && run.lock.isValid() && run.control.noCloseMayBeWritten()
                    && run.closeOf(run.source) == null) {
                run.store(target).delete(target.streamId());
            }
        } catch (RuntimeException e) {
            log.warn("Migration {}: could not discard target {}", run.migrationId, target, e);
        }
    }
}
