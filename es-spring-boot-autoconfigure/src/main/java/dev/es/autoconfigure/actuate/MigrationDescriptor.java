package dev.es.autoconfigure.actuate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationEntry;
import java.time.Instant;
import java.util.List;

/**
 * One migration as the {@code migrations} endpoint shows it; never any event payload.
 *
 * @param backupId     the backup the migration took before its copy ({@code withBackup}); shown only when it took one
 * @param cutoverReady whether a cutover request would be taken now: shown only for a migration with a manual cutover
 *                     that runs in this process and waits for its cutover ({@code AWAITING_CUTOVER})
 * @param audit        every phase and status change (when, who asked, the fencing token, what happened); shown by
 *                     {@code GET /actuator/migrations/{id}}, left out of the list
 */
public record MigrationDescriptor(String id, String objectName, String objectId, String sourceStream,
                                 String sourceStore, String targetStream, String targetStore, String phase,
                                 String status, long eventsCopied, long eventsBehind, Instant startedAt,
                                 Instant updatedAt, String error,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String backupId,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Boolean cutoverReady,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) List<MigrationAuditRecord> audit) {

    static MigrationDescriptor of(MigrationEntry e) {
        return of(e, null, false);
    }

    /** {@code e}, with {@code cutoverReady} when known, and its audit trail when {@code withAudit}. */
    static MigrationDescriptor of(MigrationEntry e, Boolean cutoverReady, boolean withAudit) {
        return new MigrationDescriptor(e.migrationId(), e.objectName(), e.objectId(), e.source().streamId(),
                e.source().store(), e.target().streamId(), e.target().store(), e.phase().name(), e.status().name(),
                e.eventsCopied(), e.eventsBehind(), e.startedAt(), e.updatedAt(), e.error(), e.backupId(), cutoverReady,
                withAudit ? e.audit() : null);
    }
}
