package dev.es.engine.migration;

import org.jspecify.annotations.Nullable;

/**
 * One object a bulk run could not migrate. Its source is untouched and writable unless the error says the failure
 * came after the cutover (then running the bulk run again finishes it).
 *
 * @param migrationId the failed migration's id, or {@code null} when it failed before it had one
 * @param error       why
 */
public record BulkObjectFailure(String objectName, String objectId, @Nullable String migrationId,
                                MigrationException error) {
}
