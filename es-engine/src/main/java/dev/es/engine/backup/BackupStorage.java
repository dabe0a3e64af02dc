package dev.es.engine.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where backups are kept: named parts (byte streams) grouped by backup id. The format lives in the service; a
 * storage only moves bytes. Implementations: {@code file} (a directory) and {@code blob} (an Azure Blob container).
 * Every implementation passes {@code AbstractBackupStorageContractTest}.
 * <p>
 * Backup ids and part names are checked by the service ({@link BackupIds}) before they reach a storage: letters,
 * digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit.
 */
public interface BackupStorage {

    /** The storage's name, which options and settings use to pick it, for example {@code file}. */
    String name();

    /**
     * Opens a new part for writing. Nothing is visible under its name until {@link PartOutput#commit()}; closing the
     * output without a commit discards what was written. A part that already exists is refused with an
     * {@link IOException} at the latest on commit, and the stored part stays as it was.
     */
    PartOutput create(String backupId, String part) throws IOException;

    /** Opens a committed part for reading, or empty when the backup has no such part. */
    Optional<InputStream> open(String backupId, String part) throws IOException;

    /** The names of a backup's committed parts; empty when there is no such backup. */
    Set<String> parts(String backupId) throws IOException;

    /**
     * The ids of every backup with at least one committed part, in ascending order, read lazily: close the stream
     * when done.
     */
    Stream<String> backupIds() throws IOException;

    /** Deletes every part of a backup, committed or not; answers whether there was anything to delete. */
    boolean delete(String backupId) throws IOException;

    /** Whether the storage answers now (for health checks); never throws. */
    boolean isReachable();
}
