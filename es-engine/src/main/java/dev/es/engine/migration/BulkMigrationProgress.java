package dev.es.engine.migration;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How far a bulk run got, as {@code onBulkProgress} and {@link BulkMigrationHandle#progress()} report it.
 *
 * @param bulkRunId       the run's id
 * @param migrated        objects migrated by this run so far
 * @param failed          objects whose migration failed
 * @param skipped         objects left alone: already migrated by this bulk run (a resume), gone, no longer
 *                        selected, or still locked by another migration when the run gave up waiting
 * @param running         object migrations under way now
 * @param remaining       objects not yet looked at, when the selection's size is known (a collection); otherwise
 *                        {@code null}
 * @param events          events copied by the migrations finished so far
 * @param elapsed         time since the run started
 * @param eventsPerSecond events copied per second of the run so far
 * @param eta             the estimated time left, when {@code remaining} is known and an object has finished
 */
public record BulkMigrationProgress(String bulkRunId, long migrated, long failed, long skipped, int running,
                                    @Nullable Long remaining, long events, Duration elapsed, double eventsPerSecond,
                                    @Nullable Duration eta) {

    /** Objects finished one way or another: migrated, failed or skipped. */
    public long done() {
        return migrated + failed + skipped;
    }
}
