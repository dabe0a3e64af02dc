package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import java.util.List;
import java.util.Optional;

/**
 * Moves an object's event stream to a new stream (same or another store, optionally transforming events) while
 * writers keep writing: catch-up, atomic close with an exact expected version, cutover of the document, book
 * closing (design section 5).
 */
public interface EventStreamMigrationService {

    /** Starts describing a migration of the object {@code document} routes. */
    MigrationBuilder forDocument(ObjectDocument document);

    /** Starts describing a migration of {@code (objectName, objectId)}. */
    MigrationBuilder forDocument(String objectName, String objectId);

    /**
     * Finishes a migration that failed or whose process died, from whatever state the stores are in. The migration
     * must have been started by this service; after a restart, run the same builder again instead.
     */
    MigrationResult resume(String migrationId);

    /** Migrations not yet completed, failed, cancelled or rolled back. */
    List<MigrationEntry> activeMigrations();

    /** One migration's routing entry, finished ones included while the routing table keeps them. */
    Optional<MigrationEntry> get(String migrationId);

    /** Control of a migration running in this process. */
    Optional<MigrationHandle> handle(String migrationId);
}
