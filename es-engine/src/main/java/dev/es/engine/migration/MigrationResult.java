package dev.es.engine.migration;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a migration. {@code error} is {@code null} on success.
 *
 * @param backupId the backup taken before the copy ({@code withBackup}), or {@code null}
 * @param verification the last verification before the close ({@code withVerification}): matched on success, the
 *                     first mismatch when it failed the migration; {@code null} when none ran (none asked, or the
 *                     close was already written by an earlier run)
 */
public record MigrationResult(String migrationId, MigrationStatus status, MigrationStatistics statistics,
                              @Nullable MigrationException error, List<SkippedEvent> skippedEvents,
                              @Nullable String backupId, @Nullable VerificationResult verification) {

    public MigrationResult {
        skippedEvents = skippedEvents == null ? List.of() : List.copyOf(skippedEvents);
    }

    /** An outcome without a verification. */
    public MigrationResult(String migrationId, MigrationStatus status, MigrationStatistics statistics,
                           @Nullable MigrationException error, List<SkippedEvent> skippedEvents,
                           @Nullable String backupId) {
        this(migrationId, status, statistics, error, skippedEvents, backupId, null);
    }

    /** An outcome without a backup. */
    public MigrationResult(String migrationId, MigrationStatus status, MigrationStatistics statistics,
                           @Nullable MigrationException error, List<SkippedEvent> skippedEvents) {
        this(migrationId, status, statistics, error, skippedEvents, null);
    }

    public boolean isSuccess() {
        return status == MigrationStatus.COMPLETED;
    }
}
