package dev.es.engine.backup;

import dev.es.engine.document.ObjectDocument;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Backs objects up and restores them: an object's streams (the active one and, by default, every terminated one that
 * still holds history), optionally its document, and its tags, in a self-describing, checksummed format written as a
 * stream to a {@link BackupStorage}. A restore writes only from an intact backup and only where nothing would be
 * overwritten; what comes back keeps every event's id, type, schema version, payload, metadata and time.
 */
public interface BackupRestoreService {

    /** Backs up the object of {@code document} as it is now (the document is read again). */
    BackupDescriptor backup(ObjectDocument document, BackupOptions options);

    /** Backs up one object as it is now. */
    BackupDescriptor backup(String objectName, String objectId, BackupOptions options);

    /** Backs up one object with the default options. */
    default BackupDescriptor backup(String objectName, String objectId) {
        return backup(objectName, objectId, BackupOptions.defaults());
    }

    /**
     * Backs up every object of {@code selection}, a bounded number at once, and reports each outcome. A backup storage
     * the service does not have is refused up front ({@link UnknownBackupStorageException}).
     */
    BulkBackupResult backupAll(BackupSelection selection, BulkBackupOptions options);

    /**
     * Restores a backup after validating all of it; a damaged backup is refused with {@link CorruptBackupException}
     * and a target that holds events with {@link RestoreConflictException}, in both cases with nothing written.
     */
    RestoreResult restore(String backupId, RestoreOptions options);

    /**
     * The backups that pass {@code filter}, oldest first, read from their manifests only; a filter on a storage the
     * service does not have is refused ({@link UnknownBackupStorageException}), not answered empty.
     */
    List<BackupDescriptor> list(BackupFilter filter);

    /** One backup's manifest, or empty when no storage holds a complete backup with that id. */
    Optional<BackupDescriptor> get(String backupId);

    /** Reads a whole backup and checks it against its manifest. */
    BackupValidation validate(String backupId);

    /** Deletes a backup; answers whether there was one. */
    boolean delete(String backupId);

    /** Deletes the backups the retention settings no longer keep, and unfinished backups older than an hour. */
    RetentionResult applyRetention();

    /** The storages backups go to, the default first. */
    List<BackupStorage> storages();

    /**
     * The storage named {@code name}, or the default (the first) for {@code null}.
     *
     * @throws UnknownBackupStorageException when the service has no storage of that name
     */
    default BackupStorage requireStorage(@Nullable String name) {
        List<BackupStorage> all = storages();
        if (name == null) {
            return all.get(0);
        }
        return all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new UnknownBackupStorageException(name, all.stream().map(BackupStorage::name)
                        .collect(Collectors.toCollection(LinkedHashSet::new))));
    }
}
