package dev.es.engine.migration;

import java.time.Duration;

/**
 * What a migration did.
 *
 * @param totalEvents       source events read and copied (or skipped)
 * @param transformedEvents source events a transformer changed
 * @param catchUpAttempts   catch-up iterations, one per close attempt
 * @param duration          wall time from start to end
 */
public record MigrationStatistics(long totalEvents, long transformedEvents, int catchUpAttempts, Duration duration) {
}
