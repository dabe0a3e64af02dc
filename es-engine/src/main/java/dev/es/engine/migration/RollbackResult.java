package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@code migrations.rollback(migrationId)}.
 *
 * @param migrationId         the migration rolled back
 * @param status              its status now: {@code ROLLED_BACK} when done; {@code ROLLING_BACK} when the reverse
 *                            migration did not finish (call {@code rollback} again to resume it); its earlier status
 *                            when the reverse migration was cancelled
 * @param afterCutover        whether the object had been cut over: then a reverse live migration moved it to a fresh
 *                            stream in the original store; before the cutover the target was discarded instead
 * @param activeStream        the object's active stream when the rollback ended
 * @param rollbackMigrationId the reverse migration's id (after the cutover), or {@code null}
 * @param rollbackMigration   the reverse migration's result (after the cutover), or {@code null}
 * @param error               why the rollback did not finish, or {@code null}
 */
public record RollbackResult(String migrationId, MigrationStatus status, boolean afterCutover,
                             StreamPointer activeStream, @Nullable String rollbackMigrationId,
                             @Nullable MigrationResult rollbackMigration, @Nullable MigrationException error) {

    /** Whether the migration is rolled back. */
    public boolean isSuccess() {
        return status == MigrationStatus.ROLLED_BACK;
    }
}
