package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One migration as the routing table records it: what moves where, how far it got. This is what the actuator
 * endpoint shows and what {@code resume} starts from. It never holds event payloads.
 *
 * @param eventsCopied  events appended to the target so far
 * @param eventsBehind  source events not yet on the target at the last catch-up
 * @param fencingToken  the token of the lock the migration holds, 0 before it has one
 * @param error         the failure message, or {@code null}
 * @param backupId      the backup taken before the copy ({@code withBackup}), or {@code null}
 * @param audit         every phase and status change, oldest first (at most {@value #MAX_AUDIT} kept: the first and
 *                      the latest)
 * @param rollbackMigrationId the migration that rolled this one back (or is rolling it back), or {@code null}
 * @param rollbackSupport what a rollback needs to know (whether events were transformed, whether the source is
 *                        kept), or {@code null} for entries recorded before migrations kept it
 */
public record MigrationEntry(String migrationId, @Nullable String objectName, @Nullable String objectId,
                             StreamPointer source,
                             StreamPointer target, MigrationPhase phase, MigrationStatus status, long eventsCopied,
                             long eventsBehind, long fencingToken, @Nullable Instant startedAt,
                             @Nullable Instant updatedAt, @Nullable String error, @Nullable String backupId,
                             List<MigrationAuditRecord> audit, @Nullable String rollbackMigrationId,
                             @Nullable RollbackSupport rollbackSupport) {

    /** The most audit records an entry keeps. */
    public static final int MAX_AUDIT = 200;

    public MigrationEntry {
        audit = audit == null ? List.of() : List.copyOf(audit);
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(status, "status");
    }

    /** An entry without a backup. */
    public MigrationEntry(String migrationId, @Nullable String objectName, @Nullable String objectId,
                          StreamPointer source, StreamPointer target, MigrationPhase phase, MigrationStatus status,
                          long eventsCopied, long eventsBehind, long fencingToken, @Nullable Instant startedAt,
                          @Nullable Instant updatedAt, @Nullable String error) {
        this(migrationId, objectName, objectId, source, target, phase, status, eventsCopied, eventsBehind,
                fencingToken, startedAt, updatedAt, error, null, List.of(), null, null);
    }

    /** An entry without what a rollback needs to know (the form before migrations kept it). */
    public MigrationEntry(String migrationId, @Nullable String objectName, @Nullable String objectId,
                          StreamPointer source, StreamPointer target, MigrationPhase phase, MigrationStatus status,
                          long eventsCopied, long eventsBehind, long fencingToken, @Nullable Instant startedAt,
                          @Nullable Instant updatedAt, @Nullable String error, @Nullable String backupId,
                          List<MigrationAuditRecord> audit, @Nullable String rollbackMigrationId) {
        this(migrationId, objectName, objectId, source, target, phase, status, eventsCopied, eventsBehind,
                fencingToken, startedAt, updatedAt, error, backupId, audit, rollbackMigrationId, null);
    }

    /** This entry recording what a rollback needs to know. */
    public MigrationEntry withRollbackSupport(@Nullable RollbackSupport support, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, eventsCopied,
                eventsBehind, fencingToken, startedAt, now, error, backupId, audit, rollbackMigrationId, support);
    }

    /** This entry recording the backup taken before the copy. */
    public MigrationEntry withBackupId(String id, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, eventsCopied,
                eventsBehind, fencingToken, startedAt, now, error, id, audit, rollbackMigrationId,
                rollbackSupport);
    }

    /** This entry with {@code record} added to its audit trail (the oldest after the first dropped past the cap). */
    public MigrationEntry withAudit(MigrationAuditRecord record) {
        List<MigrationAuditRecord> trail = new ArrayList<>(audit.size() + 1);
        trail.addAll(audit);
        trail.add(record);
        if (trail.size() > MAX_AUDIT) {
            trail.remove(1);
        }
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, eventsCopied,
                eventsBehind, fencingToken, startedAt, updatedAt, error, backupId, trail, rollbackMigrationId,
                rollbackSupport);
    }

    /** This entry recording the migration that rolled it back ({@code null}: none). */
    public MigrationEntry withRollbackMigrationId(@Nullable String id, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, eventsCopied,
                eventsBehind, fencingToken, startedAt, now, error, backupId, audit, id, rollbackSupport);
    }

    public MigrationEntry with(MigrationPhase newPhase, MigrationStatus newStatus, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, newPhase, newStatus, eventsCopied,
                eventsBehind, fencingToken, startedAt, now, error, backupId, audit, rollbackMigrationId,
                rollbackSupport);
    }

    public MigrationEntry withProgress(long copied, long behind, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, copied, behind,
                fencingToken, startedAt, now, error, backupId, audit, rollbackMigrationId,
                rollbackSupport);
    }

    public MigrationEntry withFencingToken(long token, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, eventsCopied,
                eventsBehind, token, startedAt, now, error, backupId, audit, rollbackMigrationId,
                rollbackSupport);
    }

    public MigrationEntry withError(@Nullable String message, Instant now) {
        return new MigrationEntry(migrationId, objectName, objectId, source, target, phase, status, eventsCopied,
                eventsBehind, fencingToken, startedAt, now, message, backupId, audit, rollbackMigrationId,
                rollbackSupport);
    }

    /** Whether the migration is still under way (not completed, failed, cancelled or rolled back). */
    public boolean isActive() {
        return !status.isTerminal();
    }
}
