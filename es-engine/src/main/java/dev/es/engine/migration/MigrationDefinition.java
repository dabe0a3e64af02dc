package dev.es.engine.migration;

import dev.es.engine.backup.BackupOptions;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.transform.EventTransformer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What one migration does, fixed when it starts: made once from its {@link MigrationBuilder} (whose setters validate
 * each value), it is what runs and what {@code resume} keeps, so changing the builder after {@code start()} changes
 * nothing.
 *
 * @param sourceStreamId  the stream to move; {@code null} for the document's active stream
 * @param sourceStore     the source's store when named; {@code null} to find it from the document
 * @param targetStreamId  the new stream's id; {@code null} to derive it from the source's
 * @param targetStore     the new stream's store; {@code null} for the source's
 * @param lockWait        how long to wait for the object's lock
 * @param backup          the backup to take before the copy, or {@code null} for none
 * @param verification    the verification before the close, or {@code null} for none
 * @param bookClosing     what book closing does with the closed source (archive, delete), or {@code null} for
 *                        nothing
 * @param rollbackSupport whether it was built {@code withRollbackSupport()} (the source is kept)
 * @param bulkRunId       the bulk run this migration belongs to, or {@code null}; recorded in the audit trail of its
 *                        routing entry ({@link BulkMigrations#auditTag(String)})
 * @param expectedActive  when not {@code null}: the object's active stream must still be this one once the lock is
 *                        held, or the migration ends without changing anything
 *                        ({@link MigrationSupersededException}); a bulk run's guard against migrating an object twice
 */
record MigrationDefinition(String objectName, String objectId, @Nullable String sourceStreamId,
                           @Nullable String sourceStore, @Nullable String targetStreamId,
                           @Nullable String targetStore, EventTransformer transformer,
                           TransformFailurePolicy transformFailurePolicy, Live live, Progress progress,
                           Duration lockWait, @Nullable BackupOptions backup,
                           @Nullable VerificationSpec verification,
                           BookClosingOptions.@Nullable Settings bookClosing, boolean rollbackSupport,
                           @Nullable String bulkRunId, @Nullable StreamPointer expectedActive) {

    MigrationDefinition {
        Objects.requireNonNull(objectName, "objectName");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(transformer, "transformer");
        Objects.requireNonNull(transformFailurePolicy, "transformFailurePolicy");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(lockWait, "lockWait");
        if (rollbackSupport && bookClosing != null && bookClosing.deleteSource()) {
            throw new IllegalStateException("Migration of " + objectName + "/" + objectId + ": withRollbackSupport()"
                    + " keeps the source, so withBookClosing(b -> b.deleteSource(true)) is refused; archive it instead"
                    + " (b.archiveTo(store)) or leave out one of the two");
        }
    }

    /** Whether the copy goes through a transformer (not the identity). */
    boolean transforms() {
        return transformer != EventTransformer.identity();
    }

    /** What the routing entry keeps for a rollback. */
    RollbackSupport rollbackSupportRecord() {
        return new RollbackSupport(rollbackSupport, transforms(), transforms() ? transformer.getClass().getName()
                : null);
    }

    /**
     * The options of the live path (see {@link LiveMigrationOptions}).
     *
     * @param maxEventsPerSecond the copy's rate limit, 0 for none
     * @param manualCutover      whether the close waits for a cutover request
     * @param cutoverMaxLag      with a manual cutover: the most events behind at which a request is taken
     */
    record Live(Duration closeTimeout, Duration catchUpDelay, ConvergenceFailureStrategy convergenceFailure,
                Duration maxSourcePause, int closeAttemptsBeforePause, Consumer<CatchUpProgress> onCatchUpProgress,
                Consumer<StoredEvent> onEventCopied, Consumer<EventData> onBeforeAppend, double maxEventsPerSecond,
                boolean manualCutover, long cutoverMaxLag) {
    }

    /** Progress reporting (see {@link ProgressOptions}). */
    record Progress(Duration interval, Consumer<MigrationProgress> onProgress, Consumer<MigrationResult> onCompleted) {
    }

    /** Whether the caller chose the target (its stream or its store), rather than the engine deriving it. */
    boolean targetChosen() {
        return targetStreamId != null || targetStore != null;
    }

    /** The key of the object's migration lock. */
    String lockKey() {
        return lockKey(objectName, objectId);
    }

    /** The key of the migration lock of {@code objectName}/{@code objectId}. */
    static String lockKey(String objectName, String objectId) {
        return "migration/" + objectName + "/" + objectId;
    }

    /** Whether {@code objectName}/{@code objectId} is this migration's object. */
    boolean isOf(String name, String id) {
        return objectName.equals(name) && objectId.equals(id);
    }
}
