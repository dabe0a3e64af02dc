package dev.es.engine.backup;

import java.time.Duration;
import java.util.List;

/**
 * How a bulk backup ended.
 *
 * @param outcomes one per object attempted, in the order they finished
 * @param events   events backed up
 * @param duration how long it took
 * @param stopped  whether it stopped at a failure before every object was attempted ({@code continueOnError(false)})
 */
public record BulkBackupResult(List<BackupOutcome> outcomes, long events, Duration duration, boolean stopped) {

    public BulkBackupResult {
        outcomes = List.copyOf(outcomes);
    }

    /** Objects backed up. */
    public long done() {
        return outcomes.stream().filter(BackupOutcome::isSuccess).count();
    }

    /** Objects whose backup failed. */
    public List<BackupOutcome> failures() {
        return outcomes.stream().filter(o -> !o.isSuccess()).toList();
    }

    /** Whether every object was backed up. */
    public boolean isSuccess() {
        return !stopped && failures().isEmpty();
    }
}
