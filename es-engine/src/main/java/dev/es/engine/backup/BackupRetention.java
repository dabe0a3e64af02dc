package dev.es.engine.backup;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How long backups are kept, per object: {@link BackupRestoreService#applyRetention()} deletes a backup older than
 * {@code maxAge} and every backup beyond the newest {@code maxCount}. Either may be {@code null} (no limit).
 */
public record BackupRetention(@Nullable Duration maxAge, @Nullable Integer maxCount) {

    public BackupRetention {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("Backup retention max-age must be positive, was " + maxAge);
        }
        if (maxCount != null && maxCount < 1) {
            throw new IllegalArgumentException("Backup retention max-count must be 1 or more, was " + maxCount);
        }
    }

    /** Keep everything. */
    public static BackupRetention keepAll() {
        return new BackupRetention(null, null);
    }
}
