package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.transform.EventTransformer;
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

    /**
     * Verifies a finished migration: its terminated source, up to the version its close names, transformed, against
     * the target prefix it was copied to (events written to the target after the cutover are left out). Read-only,
     * takes no lock. The transformer is the migration's when this process started it (its definition is kept for
     * the last 1,024 migrations started here); otherwise the migration is verified as one without a transformer, and
     * a mismatch says so: pass the transformer with {@link #verify(String, VerificationLevel, EventTransformer)}.
     * The checks of its {@code withVerification} run too when its definition is known.
     *
     * @throws MigrationException when the migration is unknown, or its source holds no close event of it (not
     *                            closed yet, or deleted)
     */
    VerificationResult verify(String migrationId, VerificationLevel level);

    /**
     * Verifies a finished migration as {@link #verify(String, VerificationLevel)} does, with {@code transformer} as
     * what its copy made of each source event (a transformer that fails counts as a mismatch).
     */
    VerificationResult verify(String migrationId, VerificationLevel level, EventTransformer transformer);
}
