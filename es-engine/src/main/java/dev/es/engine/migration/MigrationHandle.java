package dev.es.engine.migration;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Control of a migration started with {@link MigrationBuilder#start()}. */
public interface MigrationHandle {

    String migrationId();

    /** Where the migration is now. */
    MigrationProgress progress();

    /**
     * Pauses at the next safe point (between catch-up pages, before the close); the lock stays held. Recorded in the
     * audit trail as asked by {@link MigrationAuditRecord#BY_API} (see {@link #requestedBy(String)}), as are the other
     * requests.
     */
    void pause();

    /** Continues a paused migration. */
    void resume();

    /**
     * Cancels the migration if it has not closed the source yet: the source stays untouched and the target is
     * discarded. After the close a migration can no longer be cancelled and finishes.
     *
     * @return whether the cancellation can still take effect
     */
    boolean cancel();

    /**
     * Asks a migration with a manual cutover ({@link MigrationBuilder#withManualCutover()}) that waits for it to
     * close the source and cut over now (with its convergence strategy, as any close). Taken only while
     * {@link #isCutoverReady()}; asking again after it was taken answers true.
     *
     * @return whether the cutover will happen; false when the migration does not wait for a cutover (no manual
     *         cutover, not caught up yet, more than {@code cutoverMaxLag} events behind, paused, or ended)
     */
    default boolean cutover() {
        return false;
    }

    /**
     * Whether a migration with a manual cutover has caught up, waits for its cutover and is at most
     * {@code cutoverMaxLag} source events behind: a {@link #cutover()} now is taken. Always false for a migration
     * without a manual cutover.
     */
    default boolean isCutoverReady() {
        return false;
    }

    /**
     * This handle, with its requests (pause, resume, cancel, cutover) recorded in the migration's audit trail as asked
     * by {@code requestedBy} instead of {@link MigrationAuditRecord#BY_API}: the actuator endpoint uses
     * {@link MigrationAuditRecord#BY_ACTUATOR}; an application may name its own caller (an operator's name, a job).
     * A handle that keeps no audit trail answers itself.
     *
     * @param requestedBy who asks; not blank, at most {@value MigrationAuditRecord#MAX_REQUESTED_BY_LENGTH}
     *                    characters
     */
    default MigrationHandle requestedBy(String requestedBy) {
        MigrationAuditRecord.requireRequestedBy(requestedBy);
        return this;
    }

    /** Waits for the end. */
    MigrationResult await();

    /** Waits for the end at most {@code timeout}. */
    MigrationResult await(Duration timeout) throws TimeoutException;

    boolean isDone();
}
