package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.BackupProvider;
import dev.es.engine.backup.BackupStorage;

/**
 * Makes the backup storage of one {@code es.backup.provider}, contributed, as the store backends are, by the
 * auto-configuration of its kind: {@code file} by {@link EsBackupAutoConfiguration}, {@code blob} by the blob backend.
 */
interface EsBackupStorageBackend {

    /** The provider this backend serves. */
    BackupProvider backupProvider();

    /** The storage the settings describe; a start-up error naming the property when they do not fit. */
    BackupStorage backupStorage(BackupSettings settings);
}
