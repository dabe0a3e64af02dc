package dev.es.engine.backup;

import dev.es.engine.ErrorCategory;

/**
 * A restore would overwrite something: a target stream already holds events, or the object document changed while
 * the restore ran. Nothing of the restore stays written.
 */
public class RestoreConflictException extends BackupException {

    public RestoreConflictException(String backupId, String message) {
        super(backupId, message);
    }

    public RestoreConflictException(String backupId, String message, Throwable cause) {
        super(backupId, message, cause);
    }

    /** {@link ErrorCategory#CONFLICT}: choose another target, or re-read the document and try again. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
