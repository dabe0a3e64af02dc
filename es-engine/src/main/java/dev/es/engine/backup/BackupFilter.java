package dev.es.engine.backup;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which backups {@link BackupRestoreService#list(BackupFilter)} answers; every condition left {@code null} matches
 * all.
 *
 * @param objectName    only backups of objects of this name
 * @param objectId      only backups of this object (with {@code objectName})
 * @param createdAfter  only backups taken at or after this instant
 * @param createdBefore only backups taken before this instant
 * @param provider      only backups in this storage
 */
public record BackupFilter(@Nullable String objectName, @Nullable String objectId, @Nullable Instant createdAfter,
                           @Nullable Instant createdBefore, @Nullable String provider) {

    /** Every backup. */
    public static BackupFilter all() {
        return new BackupFilter(null, null, null, null, null);
    }

    /** The backups of one object. */
    public static BackupFilter object(String objectName, String objectId) {
        return new BackupFilter(objectName, objectId, null, null, null);
    }

    /** The backups of every object named {@code objectName}. */
    public static BackupFilter objectName(String objectName) {
        return new BackupFilter(objectName, null, null, null, null);
    }

    /** This filter, keeping only backups taken at or after {@code instant}. */
    public BackupFilter createdAfter(Instant instant) {
        return new BackupFilter(objectName, objectId, instant, createdBefore, provider);
    }

    /** This filter, keeping only backups taken before {@code instant}. */
    public BackupFilter createdBefore(Instant instant) {
        return new BackupFilter(objectName, objectId, createdAfter, instant, provider);
    }

    /** This filter, keeping only backups in storage {@code name}. */
    public BackupFilter provider(String name) {
        return new BackupFilter(objectName, objectId, createdAfter, createdBefore, name);
    }

    /** Whether {@code backup} passes. */
    public boolean matches(BackupDescriptor backup) {
        return (objectName == null || objectName.equals(backup.objectName()))
                && (objectId == null || objectId.equals(backup.objectId()))
                && (createdAfter == null || !backup.createdAt().isBefore(createdAfter))
                && (createdBefore == null || backup.createdAt().isBefore(createdBefore))
                && (provider == null || provider.equals(backup.provider()));
    }
}
