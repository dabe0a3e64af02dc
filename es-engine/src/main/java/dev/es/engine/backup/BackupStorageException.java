package dev.es.engine.backup;

import dev.es.engine.ErrorCategory;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** A backup storage failed to read, write, list or delete (I/O error, storage unreachable). */
public class BackupStorageException extends BackupException {

    private final String storage;

    public BackupStorageException(String storage, @Nullable String backupId, String what, IOException cause) {
        super(backupId, "Backup storage '" + storage + "' failed to " + what
                + (backupId == null ? "" : " (backup '" + backupId + "')") + ": " + cause.getMessage(), cause);
        this.storage = storage;
    }

    /** The name of the storage that failed. */
    public String storage() {
        return storage;
    }

    /** {@link ErrorCategory#TRANSIENT}: the storage may answer when asked again. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.TRANSIENT;
    }
}
