package dev.es.engine.backup;

import java.time.Duration;

/** Told about every backup and restore, for metrics; methods must be quick and must not throw. */
public interface BackupListener {

    /** Does nothing. */
    BackupListener NONE = new BackupListener() {
    };

    /** A backup was written. */
    default void backedUp(BackupDescriptor backup, Duration duration) {
    }

    /** A backup was restored. */
    default void restored(RestoreResult result) {
    }

    /**
     * A backup or restore failed, or a validation found damage ({@code operation}: {@code backup}, {@code restore},
     * {@code validate}); refused requests (an unknown object or storage) count too.
     */
    default void failed(String operation, Throwable error) {
    }
}
