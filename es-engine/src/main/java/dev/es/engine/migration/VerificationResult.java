package dev.es.engine.migration;

import org.jspecify.annotations.Nullable;

/**
 * What a verification found: the one a migration ran before its close ({@link MigrationResult#verification()}), or
 * a standalone one of a finished migration ({@link EventStreamMigrationService#verify}).
 *
 * @param migrationId    the migration verified
 * @param level          how thoroughly
 * @param matched        whether the target matched the source as transformed
 * @param eventsCompared target events compared (for a verification before the close: all of them, over every
 *                       attempt; each was read once)
 * @param sourceVersion  the source version compared up to (the one the close names)
 * @param targetVersion  the target version compared up to
 * @param firstMismatch  the first difference, or {@code null} when matched
 */
public record VerificationResult(String migrationId, VerificationLevel level, boolean matched, long eventsCompared,
                                 long sourceVersion, long targetVersion, @Nullable VerificationMismatch firstMismatch) {
}
