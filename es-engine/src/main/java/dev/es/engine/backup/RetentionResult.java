package dev.es.engine.backup;

import java.util.List;

/**
 * What {@link BackupRestoreService#applyRetention()} deleted.
 *
 * @param deleted   the complete backups deleted, past their age or count
 * @param abandoned the unfinished backups deleted (parts without a manifest, left by a crash, older than an hour)
 */
public record RetentionResult(List<String> deleted, List<String> abandoned) {

    public RetentionResult {
        deleted = List.copyOf(deleted);
        abandoned = List.copyOf(abandoned);
    }
}
