package dev.es.engine.migration;

import dev.es.engine.Identifiers;
import dev.es.engine.backup.BackupOptions;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.transform.EventTransformer;
import dev.es.engine.transform.UpcasterChain;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Describes one migration. Only {@link #execute()} or {@link #start()} is required: by default the source is the
 * document's active stream, the target stream id is derived from the source's ({@code order-42} becomes
 * {@code order-42-v2}), and the target store is the source's.
 */
public final class MigrationBuilder {

    private final DefaultEventStreamMigrationService service;
    final String objectName;
    final String objectId;
    String sourceStreamId;
    String sourceStore;
    String targetStreamId;
    String targetStore;
    EventTransformer transformer = EventTransformer.identity();
    TransformFailurePolicy transformFailurePolicy = TransformFailurePolicy.FAIL;
    final LiveMigrationOptions live;
    final ProgressOptions progress = new ProgressOptions();
    final LockOptions lock;
    @Nullable BackupOptions backup;
    @Nullable VerificationSpec verification;
    BookClosingOptions.@Nullable Settings bookClosing;
    boolean rollbackSupport;
    MigrationStrategy strategy = MigrationStrategy.COPY_AND_TRANSFORM;
    /** Set by a bulk run: its id, and the active stream the object must still have under the lock. */
    @Nullable String bulkRunId;
    @Nullable StreamPointer expectedActive;
    /** Set by a bulk run: the object's document and routing entries it has just read, so the launch reads neither. */
    DefaultEventStreamMigrationService.@Nullable Prefetched prefetched;

    MigrationBuilder(DefaultEventStreamMigrationService service, String objectName, String objectId,
                     MigrationDefaults defaults) {
        this.service = service;
        this.objectName = Identifiers.requireObjectName(objectName);
        this.objectId = Identifiers.requireObjectId(objectId);
        this.live = new LiveMigrationOptions(defaults);
        this.lock = new LockOptions(defaults);
    }

    /**
     * The stream to move; by default the document's active stream. A stream the object's document does not list (its
     * active stream or one it used before) is refused by {@link #start()}, with nothing written, unless a migration
     * recorded for it is being resumed.
     */
    public MigrationBuilder withSourceStream(String streamId) {
        this.sourceStreamId = Identifiers.requireStreamId(streamId);
        return this;
    }

    /** The stream to move, in a given store. */
    public MigrationBuilder withSourceStream(StreamPointer source) {
        this.sourceStreamId = source.streamId();
        this.sourceStore = source.store();
        return this;
    }

    /** The new stream's id; by default derived from the source's. */
    public MigrationBuilder withTargetStream(String streamId) {
        this.targetStreamId = Identifiers.requireStreamId(streamId);
        return this;
    }

    /** The store of the new stream, a configured store name; by default the source's store. */
    public MigrationBuilder withTargetStore(String storeName) {
        this.targetStore = Identifiers.requireStoreName(storeName);
        return this;
    }

    /** Transforms events while they are copied. */
    public MigrationBuilder withTransformer(EventTransformer eventTransformer) {
        this.transformer = Objects.requireNonNull(eventTransformer, "transformer");
        return this;
    }

    /**
     * The strategy; {@link MigrationStrategy#COPY_AND_TRANSFORM} by default. {@link MigrationStrategy#LAZY_TRANSFORM}
     * is global, not per object: with it, {@link #start()}, {@link #execute()} and {@link #dryRun()} read, write
     * and lock nothing and throw {@link LazyTransformIsGlobalException} at once, naming the upcasters registered on
     * {@code EventStreams} (register upcasters there, or in Spring as {@code EventUpcaster} beans).
     */
    public MigrationBuilder withStrategy(MigrationStrategy migrationStrategy) {
        this.strategy = Objects.requireNonNull(migrationStrategy, "strategy");
        return this;
    }

    /** What to do when the transformer throws: fail before the close (default) or skip and record the event. */
    public MigrationBuilder onTransformFailure(TransformFailurePolicy policy) {
        this.transformFailurePolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Options of the live path. */
    public MigrationBuilder withLiveMigration(Consumer<LiveMigrationOptions> options) {
        options.accept(live);
        return this;
    }

    /** Progress reporting. */
    public MigrationBuilder withProgress(Consumer<ProgressOptions> options) {
        options.accept(progress);
        return this;
    }

    /** The migration's distributed lock. */
    public MigrationBuilder withDistributedLock(Consumer<LockOptions> options) {
        options.accept(lock);
        return this;
    }

    /**
     * Backs the object up before the copy starts, with the service's {@code BackupRestoreService}, for example
     * {@code withBackup(b -> b.provider("blob").includeObjectDocument().compressed())}. The backup's id is kept in
     * the routing entry and the result; a failed backup fails the migration before anything is written.
     */
    public MigrationBuilder withBackup(Consumer<BackupOptions.Builder> options) {
        BackupOptions.Builder builder = BackupOptions.builder();
        options.accept(builder);
        backup = builder.build();
        return this;
    }

    /**
     * Verifies the target before the close, for example
     * {@code withVerification(v -> v.level(VerificationLevel.FULL).check("amount kept", myCheck))}: before every
     * close attempt the target is compared with the source as transformed, up to the version the close will name
     * (see {@link VerificationLevel}). A mismatch fails the migration before the close: the source stays untouched
     * and writable, the target is left for inspection, and the error ({@link MigrationVerificationException}) names
     * the first mismatch. The level is {@link VerificationLevel#HASH} unless set.
     */
    public MigrationBuilder withVerification(Consumer<VerificationOptions> options) {
        VerificationOptions verify = new VerificationOptions();
        options.accept(verify);
        verification = verify.snapshot();
        return this;
    }

    // ---------------------------------------------------------------- rollback and book closing

    /**
     * Keeps what a rollback needs: the source stays (book closing may archive it but never deletes it, so
     * {@code deleteSource(true)} is refused with this), and the routing entry records whether, and with which
     * transformer, events were transformed. Every migration records the latter, so {@code rollback(id)} works
     * without this too; this is the promise that the object's original events stay readable as they were written.
     */
    public MigrationBuilder withRollbackSupport() {
        this.rollbackSupport = true;
        return this;
    }

    /**
     * Operator-gated cutover: the migration copies, then keeps the target in sync with the source (tailing it, lag
     * reported as {@code eventsBehind}, status {@code AWAITING_CUTOVER}) until {@link MigrationHandle#cutover()} or
     * the actuator's {@code cutover} operation asks for the close and cutover, or {@link MigrationHandle#cancel()}
     * ends it. A request is taken while the target is at most {@code cutoverMaxLag} events behind
     * ({@link LiveMigrationOptions#cutoverMaxLag(long)}, default
     * {@value LiveMigrationOptions#DEFAULT_CUTOVER_MAX_LAG}). A re-run of a migration that stopped while waiting
     * (a restart) waits again.
     */
    public MigrationBuilder withManualCutover() {
        live.manualCutover();
        return this;
    }

    /**
     * What to do with the closed source after the cutover, for example
     * {@code withBookClosing(b -> b.archiveTo("archive").deleteSource(true))}: copy it to an archive store (recorded
     * in the document's terminated-stream entry) and/or delete it. The migration is {@code BOOK_CLOSED} only once
     * both are done; a failure leaves it {@code FAILED} after the cutover, and running it again finishes them.
     */
    public MigrationBuilder withBookClosing(Consumer<BookClosingOptions> options) {
        BookClosingOptions builder = new BookClosingOptions();
        options.accept(builder);
        BookClosingOptions.Settings settings = builder.snapshot();
        bookClosing = settings.doesAnything() ? settings : null;
        return this;
    }

    /** What the builder describes now, fixed: what {@link #start()} runs. */
    MigrationDefinition definition() {
        if (strategy == MigrationStrategy.LAZY_TRANSFORM) {
            throw new LazyTransformIsGlobalException(objectName, objectId, service.upcasters());
        }
        // a copy bakes the lazy upcasters in: raw events are raised through them, then the migration's transformer
        UpcasterChain upcasters = service.upcasters();
        EventTransformer copyTransformer = upcasters.isEmpty() ? transformer
                : transformer == EventTransformer.identity() ? upcasters.asTransformer()
                : upcasters.asTransformer().andThen(transformer);
        return new MigrationDefinition(objectName, objectId, sourceStreamId, sourceStore, targetStreamId, targetStore,
                copyTransformer, transformFailurePolicy, live.snapshot(), progress.snapshot(), lock.timeout, backup,
                verification, bookClosing, rollbackSupport, bulkRunId, expectedActive);
    }

    /** Runs the migration and waits for its result. */
    public MigrationResult execute() {
        return start().await();
    }

    /** Starts the migration in the background; changing this builder afterwards does not change it. */
    public MigrationHandle start() {
        return service.launch(definition(), prefetched);
    }

    /**
     * Measures what the migration would do, writing nothing: reads the source once, runs the transformer on every
     * event, sizes the copies for the target store, looks at the target, the routing table and the lock, times the
     * target store's round trip, and estimates the copy's length (see {@link MigrationPlan}). No store, document,
     * routing entry or lock is written, taken or raised.
     */
    public MigrationPlan dryRun() {
        return service.plan(definition());
    }
}
