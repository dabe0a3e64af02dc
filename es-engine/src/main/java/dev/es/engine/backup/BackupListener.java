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

    /** A backup, restore or validation ({@code operation}: {@code backup}, {@code restore}, {@code validate}) failed. */
    default void failed(String operation, Throwable error) {
    }
}
