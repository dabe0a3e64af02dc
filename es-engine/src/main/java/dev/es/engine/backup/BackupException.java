package dev.es.engine.backup;

import dev.es.engine.EsException;
import org.jspecify.annotations.Nullable;

/** Base class of the backup service's failures; each names the backup it concerns when there is one. */
public class BackupException extends EsException {

    private final @Nullable String backupId;

    public BackupException(@Nullable String backupId, String message) {
        super(message);
        this.backupId = backupId;
    }

    public BackupException(@Nullable String backupId, String message, Throwable cause) {
        super(message, cause);
        this.backupId = backupId;
    }

    /** The backup concerned, or {@code null} when the failure came before it had an id. */
    public @Nullable String backupId() {
        return backupId;
    }
}
