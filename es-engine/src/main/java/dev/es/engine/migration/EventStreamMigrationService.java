package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.transform.EventTransformer;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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
     * Starts describing a bulk run over the given documents, taken in their order as the run goes (the iterable is
     * walked once; a collection's size makes the progress's {@code remaining} known).
     */
    BulkMigrationBuilder forDocuments(Iterable<ObjectDocument> documents);

    /** Starts describing a bulk run over the given documents, consumed as the run goes. */
    BulkMigrationBuilder forDocuments(Stream<ObjectDocument> documents);

    /** Starts describing a bulk run over every document of {@code objectName}, read page by page. */
    BulkMigrationBuilder forObjectName(String objectName);

    /** Starts describing a bulk run over the documents of {@code objectName} that carry the tag {@code tag}. */
    BulkMigrationBuilder forTag(String objectName, String tag);

    /**
     * Starts describing a bulk run over every document (of every object name) whose active stream lives in the
     * store {@code storeName}: "move everything out of this store".
     */
    BulkMigrationBuilder forStore(String storeName);

    /** The bulk runs running in this process. */
    List<BulkMigrationHandle> runningBulkMigrations();

    /** Control of the bulk run {@code bulkRunId} when it runs in this process. */
    default Optional<BulkMigrationHandle> bulkHandle(String bulkRunId) {
        return runningBulkMigrations().stream().filter(h -> h.bulkRunId().equals(bulkRunId)).findFirst();
    }

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

    /**
     * Rolls a migration back, waiting until it is done; see {@link #rollback(String, EventTransformer)}. A migration
     * that transformed events after its cutover needs that form: this one refuses it up front with
     * {@link ReverseTransformerRequiredException}.
     */
    RollbackResult rollback(String migrationId);

    /**
     * Rolls a migration back, waiting until it is done.
     * <ul>
     *   <li>Before its cutover (running, paused, failed, cancelled): a run of it in this process is stopped at its
     *   next safe point; under the object's lock its target is discarded; the source, never touched, stays the
     *   object's stream. Status {@code ROLLED_BACK}; a new migration of the object can start at once. One running in
     *   another process is refused ({@link RollbackRefusedException}, {@code TRANSIENT}): stop it there first.</li>
     *   <li>After its cutover: a reverse live migration (writers never blocked, the same close-event protocol) moves
     *   the object from the migration's target to a fresh stream in the original source's store
     *   ({@code <source>-rb1}), through {@code reverseTransformer}. The object's history is then its history before
     *   plus every event written since. The migration is {@code ROLLING_BACK} meanwhile and {@code ROLLED_BACK}
     *   after, with the reverse migration's id ({@link MigrationEntry#rollbackMigrationId()}). If the reverse
     *   migration fails, calling this again resumes it.</li>
     * </ul>
     * Rolling back a migration already rolled back answers how it ended.
     *
     * @param reverseTransformer turns the migrated events back into their original form; only used after the cutover
     * @throws RollbackRefusedException when the rollback cannot begin (unknown migration, the object moved on, the
     *                                  cutover half done, the migration running elsewhere); nothing was changed
     */
    RollbackResult rollback(String migrationId, EventTransformer reverseTransformer);
}
