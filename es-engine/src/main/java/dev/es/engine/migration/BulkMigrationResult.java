package dev.es.engine.migration;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a bulk run.
 *
 * @param bulkRunId     the run's id: running the same selection again with it resumes the run
 * @param status        {@code COMPLETED} (every selected object migrated or skipped), {@code FAILED} (at least one
 *                      object failed), or {@code CANCELLED}
 * @param migrated      objects migrated by this execution
 * @param failed        objects whose migration failed
 * @param skipped       objects left alone (see {@link BulkMigrationProgress#skipped()})
 * @param cancelled     object migrations stopped by a cancel (their targets discarded; a re-run migrates them)
 * @param events        events copied
 * @param failures      the failed objects with their errors, the first {@value #MAX_FAILURES} of them
 * @param duration      how long the run took
 */
public record BulkMigrationResult(String bulkRunId, MigrationStatus status, long migrated, long failed, long skipped,
                                  long cancelled, long events, List<BulkObjectFailure> failures, Duration duration) {

    /** The most failures a result lists; {@link #failed()} counts them all. */
    public static final int MAX_FAILURES = 1_000;

    public BulkMigrationResult {
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    /** Whether every selected object was migrated or skipped. */
    public boolean isSuccess() {
        return status == MigrationStatus.COMPLETED;
    }

    /** Events copied per second of the run. */
    public double eventsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds <= 0 ? 0 : events / seconds;
    }

    /** Objects migrated per second of the run. */
    public double objectsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds <= 0 ? 0 : migrated / seconds;
    }
}
