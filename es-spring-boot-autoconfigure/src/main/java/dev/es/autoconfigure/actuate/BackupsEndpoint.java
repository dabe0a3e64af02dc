package dev.es.autoconfigure.actuate;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.backup.BackupFilter;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.backup.CorruptBackupException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/backups}: the complete backups, oldest first (optionally of objects named {@code objectName}, or
 * of one object with {@code objectId}), and one backup by id. Both read the backups' manifests only.
 * <p>
 * Read-only: the endpoint has no write operation (backing up, restoring and deleting go through
 * {@link BackupRestoreService}); {@link Access#READ_ONLY} is its default access as for {@code migrations}, and
 * {@code management.endpoint.backups.access=none} turns it off.
 */
@Endpoint(id = "backups", defaultAccess = Access.READ_ONLY)
public class BackupsEndpoint {

    private final BackupRestoreService backups;

    public BackupsEndpoint(BackupRestoreService backups) {
        this.backups = backups;
    }

    /** The complete backups that match the query parameters given, oldest first. */
    @ReadOperation
    public List<BackupSummary> backups(@Nullable String objectName, @Nullable String objectId) {
        return backups.list(new BackupFilter(objectName, objectId, null, null, null)).stream()
                .map(BackupSummary::of).toList();
    }

    /**
     * One backup; {@code null} (404) when no storage holds a complete backup with that id (an unfinished one
     * included), 400 for an id that no backup can have.
     */
    @ReadOperation
    public @Nullable BackupSummary backup(@Selector String id) {
        try {
            return backups.get(id).map(BackupSummary::of).orElse(null);
        } catch (InvalidIdentifierException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), "Invalid backup id");
        } catch (CorruptBackupException e) {
            return null; // parts without a manifest: being written, or abandoned; not a backup yet
        }
    }
}
