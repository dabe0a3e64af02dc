package dev.es.engine.migration;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Control of a bulk run started with {@link BulkMigrationBuilder#start()}. */
public interface BulkMigrationHandle {

    /** The run's id. */
    String bulkRunId();

    /** How far it got. */
    BulkMigrationProgress progress();

    /** Takes no new object and pauses the object migrations under way at their next safe point. */
    void pause();

    /** Undoes {@link #pause()}. */
    void resume();

    /**
     * Takes no new object and cancels the object migrations under way (their sources untouched, targets discarded;
     * one past its close finishes). Running the same bulk run again migrates the rest.
     */
    void cancel();

    /** Waits for the run's end. */
    BulkMigrationResult await();

    /** Waits at most {@code timeout} for the run's end. */
    BulkMigrationResult await(Duration timeout) throws TimeoutException;

    /** Whether the run has ended. */
    boolean isDone();
}
