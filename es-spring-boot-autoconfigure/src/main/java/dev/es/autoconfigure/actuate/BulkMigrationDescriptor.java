package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.BulkMigrationHandle;
import dev.es.engine.migration.BulkMigrationProgress;

/**
 * One bulk run running in this process as the {@code migrations} endpoint shows it
 * ({@code GET /actuator/migrations/{bulkRunId}}).
 *
 * @param kind            always {@code bulk}, to tell it from a single migration
 * @param remaining       objects not yet looked at, or {@code null} when unknown
 * @param etaSeconds      the estimated seconds left, or {@code null} when unknown
 */
public record BulkMigrationDescriptor(String kind, String bulkRunId, boolean done, long migrated, long failed,
                                      long skipped, int running, Long remaining, long events,
                                      double eventsPerSecond, long elapsedSeconds, Long etaSeconds) {

    static BulkMigrationDescriptor of(BulkMigrationHandle handle) {
        BulkMigrationProgress p = handle.progress();
        return new BulkMigrationDescriptor("bulk", p.bulkRunId(), handle.isDone(), p.migrated(), p.failed(),
                p.skipped(), p.running(), p.remaining(), p.events(), p.eventsPerSecond(), p.elapsed().toSeconds(),
                p.eta() == null ? null : p.eta().toSeconds());
    }
}
