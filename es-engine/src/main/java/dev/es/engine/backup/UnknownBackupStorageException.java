package dev.es.engine.backup;

import dev.es.engine.ErrorCategory;
import java.util.Set;

/** A backup option or setting names a storage the service does not have. */
public class UnknownBackupStorageException extends BackupException {

    private final String storage;

    public UnknownBackupStorageException(String storage, Set<String> known) {
        super(null, "No backup storage named '" + storage + "'; configured: " + known);
        this.storage = storage;
    }

    /** The name that matched no storage. */
    public String storage() {
        return storage;
    }

    /** {@link ErrorCategory#USAGE}: the name is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
