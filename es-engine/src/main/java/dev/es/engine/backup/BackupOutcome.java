package dev.es.engine.backup;

import org.jspecify.annotations.Nullable;

/**
 * How the backup of one object of a bulk backup ended: its backup, or the error that stopped it.
 *
 * @param objectName the object's name
 * @param objectId   the object's id
 * @param backup     the backup written, or {@code null} when it failed
 * @param error      why it failed, or {@code null}
 */
public record BackupOutcome(String objectName, String objectId, @Nullable BackupDescriptor backup,
                            @Nullable Throwable error) {

    /** Whether the object was backed up. */
    public boolean isSuccess() {
        return error == null;
    }
}
