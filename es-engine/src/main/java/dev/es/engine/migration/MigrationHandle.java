package dev.es.engine.migration;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Control of a migration started with {@link MigrationBuilder#start()}. */
public interface MigrationHandle {

    String migrationId();

    /** Where the migration is now. */
    MigrationProgress progress();

    /** Pauses at the next safe point (between catch-up pages, before the close); the lock stays held. */
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

    /** Waits for the end. */
    MigrationResult await();

    /** Waits for the end at most {@code timeout}. */
    MigrationResult await(Duration timeout) throws TimeoutException;

    boolean isDone();
}
