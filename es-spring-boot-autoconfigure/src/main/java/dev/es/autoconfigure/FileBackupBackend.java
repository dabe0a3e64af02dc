package dev.es.autoconfigure;

import dev.es.autoconfigure.EsProperties.BackupProvider;
import dev.es.engine.backup.BackupStorage;
import dev.es.engine.backup.file.FileBackupStorage;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The {@code file} backup provider: a directory, {@code es.backup.location}, created when the first backup is written. */
final class FileBackupBackend implements EsBackupStorageBackend {

    @Override
    public BackupProvider backupProvider() {
        return BackupProvider.FILE;
    }

    @Override
    public BackupStorage backupStorage(BackupSettings settings) {
        try {
            return new FileBackupStorage(Path.of(settings.location()));
        } catch (InvalidPathException e) {
            throw EsSettings.invalid("es.backup.location", settings.location(), "not a valid path ("
                    + e.getReason() + "); set a directory, like ./es-backups");
        }
    }
}
