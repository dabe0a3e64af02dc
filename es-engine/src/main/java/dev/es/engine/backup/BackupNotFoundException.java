package dev.es.engine.backup;

import dev.es.engine.ErrorCategory;

/** No backup storage holds a complete backup with this id (none at all, or one whose manifest was never written). */
public class BackupNotFoundException extends BackupException {

    public BackupNotFoundException(String backupId) {
        super(backupId, "No backup '" + backupId + "' (no storage holds its manifest)");
    }

    /** {@link ErrorCategory#USAGE}: the id is wrong or the backup was deleted. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
