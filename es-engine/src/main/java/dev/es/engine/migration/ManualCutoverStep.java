package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.store.EventStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator-gated cutover ({@link MigrationBuilder#withManualCutover()}), between the copy and the close: once the
 * copy has caught up, the migration keeps the target in sync with the source, one catch-up copy every
 * {@code catchUpDelay}, reports how far behind it is ({@code eventsBehind}, status {@code AWAITING_CUTOVER}) and goes
 * on to the close only when a cutover is asked for ({@link MigrationHandle#cutover()}, the actuator's
 * {@code cutover}). Pause, cancel and suspension work as during any copy. Nothing about the wait is kept but the
 * routing entry: a re-run after a restart copies what is missing and waits again, since its definition still asks
 * for a manual cutover.
 */
final class ManualCutoverStep {

    private static final Logger log = LoggerFactory.getLogger(ManualCutoverStep.class);
    /** The shortest pause between two catch-up copies while waiting, whatever {@code catchUpDelay} says. */
    private static final Duration MIN_TAIL_INTERVAL = Duration.ofMillis(10);

    private final MigrationRun run;
    private final CopyStep copy;
    private final MigrationDefinition.Live live;

    ManualCutoverStep(MigrationRun run, CopyStep copy) {
        this.run = run;
        this.copy = copy;
        this.live = run.definition.live();
    }

    /**
     * Copies and tails the source from {@code from} until a cutover is asked for; answers where the copy stands
     * then. Also returns when this migration's own close is found in the source ({@link CopyStep#ownClose()}).
     */
    Position awaitRequest(Position from) {
        StreamPointer source = run.source;
        EventStore sourceStore = run.store(source);
        Duration interval = live.catchUpDelay().compareTo(MIN_TAIL_INTERVAL) < 0 ? MIN_TAIL_INTERVAL
                : live.catchUpDelay();
        Position position = from;
        boolean waiting = false;
        while (true) {
            position = copy.copy(position, false, 0, Long.MAX_VALUE);
            if (copy.ownClose() != null) {
                return position;
            }
            run.eventsBehind = Math.max(0, sourceStore.version(source.streamId()) - position.copied());
            if (!waiting) {
                waiting = true;
                run.moveTo(MigrationPhase.CATCH_UP, MigrationStatus.AWAITING_CUTOVER,
                        MigrationAuditRecord.BY_MIGRATION, "caught up; keeping the target in sync until a cutover is"
                                + " requested (" + run.eventsBehind + " event(s) behind, cutover allowed at "
                                + live.cutoverMaxLag() + " or fewer)");
                log.info("Migration {} of {} caught up ({} event(s) behind) and waits for a cutover request",
                        run.migrationId, run.object(), run.eventsBehind);
            } else {
                run.recordProgressIfChanged();
            }
            run.report(false);
            String requestedBy = run.control.cutoverRequestedBy();
            if (requestedBy != null) {
                run.moveTo(MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS, requestedBy,
                        "cutover requested with " + run.eventsBehind + " event(s) behind");
                log.info("Migration {} of {}: cutover requested ({}); closing the source", run.migrationId,
                        run.object(), requestedBy);
                return position;
            }
            run.control.sleep(interval, true);
        }
    }

    /** Whether a migration in this state can take a cutover request now. */
    static boolean ready(MigrationDefinition.Live live, MigrationStatus status, long eventsBehind) {
        return live.manualCutover() && status == MigrationStatus.AWAITING_CUTOVER
                && eventsBehind <= live.cutoverMaxLag();
    }
}
