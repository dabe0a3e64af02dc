package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;
import dev.es.engine.Identifiers;
import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.UpcasterChain;
import dev.es.engine.transform.EventTransformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link EventStreamMigrationService}: runs each migration on a background thread of its own. It also
 * settles orphaned migrations (unfinished entries no process runs, see {@link #activeMigrations()}).
 */
public final class DefaultEventStreamMigrationService implements EventStreamMigrationService, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DefaultEventStreamMigrationService.class);

    private final EventStreams streams;
    private final DistributedLockProvider locks;
    private final MigrationRoutingTable routing;
    private final MigrationDefaults defaults;
    private final MigrationListener listener;
    private final Clock clock;
    /** How many migrations run at once by default; more wait for a free place. */
    public static final int DEFAULT_MAX_CONCURRENT_MIGRATIONS = 64;
    /** The longest migration id any routing table holds (PostgreSQL's column); es makes 36-character UUIDs. */
    static final int MAX_MIGRATION_ID_LENGTH = 100;

    private final MigrationExecutor executor;
    private final Map<String, LiveMigration> running = new ConcurrentHashMap<>();
    private final Map<String, BulkMigration> bulkRuns = new ConcurrentHashMap<>();
    private final Map<String, MigrationDefinition> definitions = new ConcurrentHashMap<>();
    /** How many definitions {@link #verify} keeps, of the migrations started here last. */
    private static final int VERIFIABLE_DEFINITIONS = 1024;
    /** The definitions of the migrations started here last, finished ones too: what {@link #verify} transforms. */
    private final Map<String, MigrationDefinition> verifiable = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, MigrationDefinition> eldest) {
                    return size() > VERIFIABLE_DEFINITIONS;
                }
            });
    private final OrphanSettler orphans;
    private final MigrationEndpoints endpoints;
    private final FinishedMigrationVerification finished;
    private final DryRun dryRun;
    private final MigrationRollback rollbacks;
    private volatile @Nullable BackupRestoreService backups;
    private volatile StoreResilience resilience = StoreResilience.defaults();

    /**
     * A service that runs migrations on daemon threads of its own ({@code es-migration-N}), at most
     * {@value #DEFAULT_MAX_CONCURRENT_MIGRATIONS} at a time; {@link #close()} stops them.
     */
    public DefaultEventStreamMigrationService(EventStreams streams, DistributedLockProvider locks,
                                              MigrationRoutingTable routing, MigrationDefaults defaults,
                                              MigrationListener listener, Clock clock) {
        this(streams, locks, routing, defaults, listener, clock, DEFAULT_MAX_CONCURRENT_MIGRATIONS);
    }

    /** A service on daemon threads of its own, at most {@code maxConcurrentMigrations} at a time. */
    public DefaultEventStreamMigrationService(EventStreams streams, DistributedLockProvider locks,
                                              MigrationRoutingTable routing, MigrationDefaults defaults,
                                              MigrationListener listener, Clock clock, int maxConcurrentMigrations) {
        this(streams, locks, routing, defaults, listener, clock, ownThreads(), true, maxConcurrentMigrations);
    }

    /**
     * A service that runs migrations on {@code executor} (a Spring {@code TaskExecutor}, a virtual-thread executor),
     * at most {@code maxConcurrentMigrations} at a time: the others wait, pending, in the order they were started.
     * Each runs on one of the executor's threads for its whole length, with its id in the logging MDC
     * ({@code es.migrationId}). {@link #close()} does not shut the executor down.
     */
    public DefaultEventStreamMigrationService(EventStreams streams, DistributedLockProvider locks,
                                              MigrationRoutingTable routing, MigrationDefaults defaults,
                                              MigrationListener listener, Clock clock, Executor executor,
                                              int maxConcurrentMigrations) {
        this(streams, locks, routing, defaults, listener, clock, executor, false, maxConcurrentMigrations);
    }

    private DefaultEventStreamMigrationService(EventStreams streams, DistributedLockProvider locks,
                                               MigrationRoutingTable routing, MigrationDefaults defaults,
                                               MigrationListener listener, Clock clock, Executor executor,
                                               boolean ownsExecutor, int maxConcurrentMigrations) {
        this.executor = new MigrationExecutor(executor, ownsExecutor, maxConcurrentMigrations);
        this.streams = Objects.requireNonNull(streams, "streams");
        this.locks = Objects.requireNonNull(locks, "locks");
        // every call of the service and its migrations on the routing table is tried again on transient errors
        this.routing = new ResilientRoutingTable(Objects.requireNonNull(routing, "routing"), this::resilience);
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.listener = listener == null ? MigrationListener.NONE : listener;
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.orphans = new OrphanSettler(streams, locks, this.routing, this.clock, this::runsHere);
        this.endpoints = new MigrationEndpoints(streams);
        this.finished = new FinishedMigrationVerification(streams);
        this.dryRun = new DryRun(streams, locks, this.routing, endpoints);
        this.rollbacks = new MigrationRollback(this, streams, locks, this.routing, this.clock);
    }

    private static ExecutorService ownThreads() {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "es-migration-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The lazy upcasters registered on the streams, which a copy applies before its own transformer. */
    UpcasterChain upcasters() {
        return streams.upcasters();
    }

    public DefaultEventStreamMigrationService(EventStreams streams, DistributedLockProvider locks,
                                              MigrationRoutingTable routing) {
        this(streams, locks, routing, MigrationDefaults.defaults(), MigrationListener.NONE, Clock.systemUTC());
    }

    @Override
    public MigrationBuilder forDocument(ObjectDocument document) {
        return forDocument(document.objectName(), document.objectId());
    }

    @Override
    public MigrationBuilder forDocument(String objectName, String objectId) {
        return new MigrationBuilder(this, objectName, objectId, defaults);
    }

    @Override
    public BulkMigrationBuilder forDocuments(Iterable<ObjectDocument> documents) {
        Objects.requireNonNull(documents, "documents");
        Long size = null;
        if (documents instanceof Collection<?> c) {
            // a lazy source's null is met by the run, which then fails (BulkMigration.nextDocument)
            int i = 0;
            for (Object document : c) {
                if (document == null) {
                    throw new IllegalArgumentException("documents: element " + i + " is null");
                }
                i++;
            }
            size = (long) c.size();
        }
        return new BulkMigrationBuilder(this, "given documents", documents::iterator, d -> true, size);
    }

    @Override
    public BulkMigrationBuilder forDocuments(Stream<ObjectDocument> documents) {
        Objects.requireNonNull(documents, "documents");
        return new BulkMigrationBuilder(this, "given documents", documents::iterator, d -> true, null);
    }

    @Override
    public BulkMigrationBuilder forObjectName(String objectName) {
        Identifiers.requireObjectName(objectName);
        return new BulkMigrationBuilder(this, "object name " + objectName,
                () -> new DocumentPages(streams.documents(), List.of(objectName), d -> true), d -> true, null);
    }

    @Override
    public BulkMigrationBuilder forTag(String objectName, String tag) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireTag(tag);
        Predicate<ObjectDocument> tagged = d -> d.tags().containsKey(tag);
        return new BulkMigrationBuilder(this, "tag " + tag + " of " + objectName,
                () -> new DocumentPages(streams.documents(), List.of(objectName), tagged), tagged, null);
    }

    @Override
    public BulkMigrationBuilder forStore(String storeName) {
        Identifiers.requireStoreName(storeName);
        streams.stores().get(storeName);
        Predicate<ObjectDocument> inStore = d -> d.active().store().equals(storeName);
        return new BulkMigrationBuilder(this, "store " + storeName,
                () -> new DocumentPages(streams.documents(), streams.documents().objectNames(), inStore), inStore,
                null);
    }

    @Override
    public List<BulkMigrationHandle> runningBulkMigrations() {
        return List.copyOf(bulkRuns.values());
    }

    /** Starts a bulk run described by its builder. */
    BulkMigrationHandle launchBulk(BulkMigration.Settings settings, Supplier<Iterator<ObjectDocument>> documents,
                                   Predicate<ObjectDocument> stillSelected, @Nullable Long size) {
        BulkMigration bulk = new BulkMigration(settings, this, documents.get(), stillSelected, size);
        if (bulkRuns.putIfAbsent(settings.bulkRunId(), bulk) != null) {
            throw new IllegalStateException("Bulk run " + settings.bulkRunId() + " is already running in this"
                    + " process");
        }
        bulk.start();
        return bulk;
    }

    /** A bulk run ended. */
    void bulkFinished(BulkMigration bulk) {
        bulkRuns.remove(bulk.bulkRunId(), bulk);
    }

    EventStreams streams() {
        return streams;
    }

    MigrationRoutingTable routing() {
        return routing;
    }

    @Override
    public MigrationResult resume(String migrationId) {
        MigrationEntry entry = entry(migrationId)
                .orElseThrow(() -> new MigrationException(migrationId, "no such migration in the routing table"));
        LiveMigration live = running.get(migrationId);
        if (live != null) {
            return live.await();
        }
        if (entry.status() == MigrationStatus.COMPLETED || entry.status() == MigrationStatus.CANCELLED
                || entry.status() == MigrationStatus.ROLLED_BACK) {
            throw new MigrationException(migrationId, "is " + entry.status() + " and cannot be resumed");
        }
        if (entry.status() == MigrationStatus.ROLLING_BACK) {
            throw new MigrationException(migrationId, "is being rolled back by migration "
                    + entry.rollbackMigrationId() + "; call rollback(\"" + migrationId + "\") again to resume the"
                    + " rollback");
        }
        MigrationDefinition definition = definitions.get(migrationId);
        if (definition == null) {
            throw new MigrationException(migrationId, "was started in another process (or before a restart); run"
                    + " the same migration again (same object, source, target and transformer) to resume it");
        }
        return launch(definition, entry.source(), entry.target(), migrationId, false).await();
    }

    /**
     * Migrations that are running (in this process or, holding their object's lock, in another) or resumable
     * ({@code PAUSED}). Orphaned entries found on the way are settled first (see {@link OrphanSettler}).
     */
    @Override
    public List<MigrationEntry> activeMigrations() {
        List<MigrationEntry> answer = new ArrayList<>();
        for (MigrationEntry entry : routing.active()) {
            orphans.settleIfOrphaned(entry).filter(MigrationEntry::isActive).ifPresent(answer::add);
        }
        return answer;
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        return entry(migrationId);
    }

    @Override
    public Optional<MigrationHandle> handle(String migrationId) {
        return couldExist(migrationId) ? Optional.ofNullable(running.get(migrationId)) : Optional.empty();
    }

    /**
     * The routing entry of {@code migrationId}; none for an id no migration can have (null, blank, too long, or with
     * characters es never puts in one), whatever the routing table's store would make of it (an SQL error, a refused
     * blob name): the same answer on every store.
     */
    private Optional<MigrationEntry> entry(@Nullable String migrationId) {
        return couldExist(migrationId) ? routing.get(migrationId) : Optional.empty();
    }

    /** Whether {@code migrationId} has the shape of a migration id (es makes UUIDs; every store holds 100 chars). */
    static boolean couldExist(@Nullable String migrationId) {
        try {
            Identifiers.require("migrationId", migrationId, MAX_MIGRATION_ID_LENGTH);
            return true;
        } catch (InvalidIdentifierException e) {
            return false;
        }
    }

    @Override
    public VerificationResult verify(String migrationId, VerificationLevel level) {
        Objects.requireNonNull(level, "level");
        MigrationDefinition definition = verifiable.get(migrationId);
        MigrationEntry entry = entryToVerify(migrationId);
        if (definition == null) {
            return finished.verify(entry, level, EventTransformer.identity(), TransformFailurePolicy.FAIL, List.of(),
                    false);
        }
        return finished.verify(entry, level, definition.transformer(), definition.transformFailurePolicy(),
                definition.verification() == null ? List.of() : definition.verification().checks(), true);
    }

    @Override
    public VerificationResult verify(String migrationId, VerificationLevel level, EventTransformer transformer) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(transformer, "transformer");
        MigrationDefinition definition = verifiable.get(migrationId);
        MigrationEntry entry = entryToVerify(migrationId);
        return finished.verify(entry, level, transformer, TransformFailurePolicy.FAIL,
                definition == null || definition.verification() == null ? List.of()
                        : definition.verification().checks(), true);
    }

    private MigrationEntry entryToVerify(String migrationId) {
        return entry(migrationId)
                .orElseThrow(() -> new MigrationException(migrationId, "no such migration in the routing table"));
    }

    /** {@inheritDoc} The rollback's audit records name {@code api} as who asked. */
    @Override
    public RollbackResult rollback(String migrationId) {
        return rollbacks.rollback(requireShape(migrationId), null,
                MigrationAuditRecord.BY_API);
    }

    /** {@inheritDoc} The rollback's audit records name {@code api} as who asked. */
    @Override
    public RollbackResult rollback(String migrationId, EventTransformer reverseTransformer) {
        return rollbacks.rollback(requireShape(migrationId),
                Objects.requireNonNull(reverseTransformer, "reverseTransformer"), MigrationAuditRecord.BY_API);
    }

    /** {@code migrationId}, or the refusal a rollback of an unknown migration gets, for an id none can have. */
    private static String requireShape(@Nullable String migrationId) {
        if (!couldExist(migrationId)) {
            throw new RollbackRefusedException(migrationId == null ? "null" : Identifiers.printable(migrationId),
                    "no such migration in the routing table", ErrorCategory.USAGE);
        }
        return migrationId;
    }

    /** The run of that migration in this process, or {@code null}. */
    @Nullable LiveMigration runningHere(String migrationId) {
        return running.get(migrationId);
    }

    /** The definition this process started that migration with, while it keeps it, or {@code null}. */
    @Nullable MigrationDefinition definitionOf(String migrationId) {
        return definitions.get(migrationId);
    }

    /** The defaults every migration of this service starts from. */
    public MigrationDefaults defaults() {
        return defaults;
    }

    /** Handles of the migrations running in this process. */
    public List<MigrationHandle> runningMigrations() {
        return List.copyOf(running.values());
    }

    /**
     * Suspends every migration running in this process at its next safe point and waits up to {@code timeout} for
     * them: each releases its lock and is left {@code PAUSED} in the routing table, to be resumed by running it again
     * (after a restart too). Migrations already past their close finish instead.
     *
     * @return how many migrations were still running when the timeout ran out
     */
    public int suspendAll(Duration timeout) {
        return suspendAll(timeout, MigrationAuditRecord.BY_API);
    }

    /**
     * {@link #suspendAll(Duration)}, recorded in each migration's audit trail as asked by {@code requestedBy}
     * (the Spring Boot starter's shutdown hook says {@link MigrationAuditRecord#BY_SHUTDOWN}).
     *
     * @return how many migrations were still running when the timeout ran out
     */
    public int suspendAll(Duration timeout, String requestedBy) {
        MigrationAuditRecord.requireRequestedBy(requestedBy);
        List<LiveMigration> now = List.copyOf(running.values());
        now.forEach(migration -> migration.suspend(requestedBy));
        long deadline = System.nanoTime() + timeout.toNanos();
        int left = 0;
        for (LiveMigration migration : now) {
            try {
                migration.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (java.util.concurrent.TimeoutException e) {
                left++;
            }
        }
        return left;
    }

    /**
     * Refuses the migrations waiting for a place and, when the threads are the service's own, stops them: running
     * migrations stop where they are and can be resumed.
     */
    @Override
    public void close() {
        executor.close();
    }

    /**
     * The backup service that {@link MigrationBuilder#withBackup} uses; set it once, when wiring the application.
     * Without one, a migration that asks for a backup is refused when it starts.
     */
    public void useBackups(BackupRestoreService backupService) {
        this.backups = Objects.requireNonNull(backupService, "backupService");
    }

    /**
     * How the migrations started from now on meet transient store errors (the starter calls it with
     * {@code es.resilience.*}); by default {@link StoreResilience#defaults()}. One instance keeps one circuit breaker
     * per store, shared by those migrations.
     */
    public void useResilience(StoreResilience storeResilience) {
        this.resilience = Objects.requireNonNull(storeResilience, "storeResilience");
    }

    /** How migrations started from now on meet transient store errors. */
    public StoreResilience resilience() {
        return resilience;
    }

    /** An object's document and routing entries as a caller (a bulk run) read them just before the launch. */
    record Prefetched(Optional<ObjectDocument> document, List<MigrationEntry> entries) {
    }

    MigrationHandle launch(MigrationDefinition definition) {
        return launch(definition, null);
    }

    /** Launches {@code definition}; with {@code prefetched}, on those reads instead of reading again. */
    MigrationHandle launch(MigrationDefinition definition, @Nullable Prefetched prefetched) {
        if (definition.backup() != null && backups == null) {
            throw new IllegalStateException("Migration of " + definition.objectName() + "/" + definition.objectId()
                    + " asks for a backup (withBackup) but the migration service has no BackupRestoreService;"
                    + " give it one with useBackups(...) (the Spring Boot starter does)");
        }
        // the object's entries, read once, as they stand once its orphans are settled
        List<MigrationEntry> entries = orphans.settle(prefetched != null ? prefetched.entries()
                : routing.forObject(definition.objectName(), definition.objectId()));
        // and its document, read once for both questions below (tried again on transient errors, as the run's are)
        Optional<ObjectDocument> document = prefetched != null ? prefetched.document()
                : MigrationRun.readDocument(resilience, streams, definition.objectName(), definition.objectId());
        Optional<MigrationEntry> unfinishedCutover = unfinishedCutover(definition, entries, document);
        if (unfinishedCutover.isPresent()) {
            // a migration that switched the document but died before BOOK_CLOSED: running "the same migration"
            // again finishes that one, instead of migrating its target onwards
            MigrationEntry e = unfinishedCutover.get();
            return launch(definition, e.source(), e.target(), e.migrationId(), false);
        }
        StreamPointer source = endpoints.source(definition, document);
        StreamPointer target = endpoints.target(definition, source);
        Optional<String> resumable = resumableEntry(entries, source, target).map(MigrationEntry::migrationId);
        if (resumable.isEmpty() && document.isPresent() && !document.get().knows(source)) {
            // a source named by the caller that the object's document does not list may be another object's stream:
            // refused before a lock, an entry or a fence touches it (the object's own closed streams go on to the
            // protocol, which finds them closed or finishes what a migration of them left)
            throw new MigrationException("-", "source " + source + " is not a stream of " + definition.objectName()
                    + "/" + definition.objectId() + " (active: " + document.get().active() + "); nothing was changed");
        }
        BookClosingStep.checkOptions(definition, source, target, streams, "-");
        if (definition.backup() != null) {
            backups.requireStorage(definition.backup().provider());
        }
        return launch(definition, source, target, resumable.orElseGet(() -> UUID.randomUUID().toString()),
                resumable.isEmpty());
    }

    /** Launches {@code definition} from {@code source} to {@code target} under the given id (a rollback's). */
    MigrationHandle launchAs(MigrationDefinition definition, StreamPointer source, StreamPointer target,
                             String migrationId) {
        return launch(definition, source, target, migrationId, false);
    }

    /** Launches a run; {@code newId}: the id was made for it just now, so nothing can be recorded under it yet. */
    private LiveMigration launch(MigrationDefinition definition, StreamPointer source, StreamPointer target,
                                 String migrationId, boolean newId) {
        LiveMigration migration = new LiveMigration(migrationId, newId, definition, source, target, streams, locks,
                routing, listener, clock, backups, resilience);
        if (running.putIfAbsent(migrationId, migration) != null) {
            migration.refuse("is already running in this process");
            return migration;
        }
        definitions.put(migrationId, definition);
        verifiable.put(migrationId, definition);
        migration.onFinish(status -> {
            running.remove(migrationId, migration);
            if (status == MigrationStatus.COMPLETED || status == MigrationStatus.CANCELLED) {
                definitions.remove(migrationId, definition);
            }
        });
        executor.submit(migrationId, migration::run, why -> {
            running.remove(migrationId, migration);
            migration.refuse(why);
        });
        return migration;
    }

    MigrationPlan plan(MigrationDefinition definition) {
        return dryRun.plan(definition);
    }

    private static Optional<MigrationEntry> unfinishedCutover(MigrationDefinition definition,
                                                             List<MigrationEntry> entries,
                                                             Optional<ObjectDocument> document) {
        if (definition.sourceStreamId() != null || document.isEmpty()) {
            return Optional.empty();
        }
        StreamPointer active = document.get().active();
        return entries.stream()
                // a bulk run's own completed migration too: the run read it unfinished, and settling the entries
                // just now found it completed; run again it finds itself completed, where a new migration would move
                // the object a second time (onwards from the target)
                .filter(e -> resumable(e.status()) || definition.bulkRunId() != null
                        && e.status() == MigrationStatus.COMPLETED && BulkMigration.ofRun(e, definition.bulkRunId()))
                .filter(e -> e.target().equals(active))
                .filter(e -> definition.targetStreamId() == null
                        || definition.targetStreamId().equals(active.streamId()))
                .findFirst();
    }

    private static Optional<MigrationEntry> resumableEntry(List<MigrationEntry> entries, StreamPointer source,
                                                           StreamPointer target) {
        return entries.stream()
                .filter(e -> e.source().equals(source) && e.target().equals(target))
                .filter(e -> resumable(e.status()))
                .max(Comparator.comparing(MigrationEntry::updatedAt,
                        Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /** Whether a re-run may resume a migration in {@code status}: not ended (but failed), not being rolled back. */
    private static boolean resumable(MigrationStatus status) {
        return !status.isTerminal() && status != MigrationStatus.ROLLING_BACK || status == MigrationStatus.FAILED;
    }

    /** Whether this process runs that migration, or another migration of the same object. */
    private boolean runsHere(String migrationId, String objectName, String objectId) {
        if (running.containsKey(migrationId)) {
            return true;
        }
        for (String id : running.keySet()) {
            MigrationDefinition definition = definitions.get(id);
            if (definition != null && definition.isOf(objectName, objectId)) {
                return true;
            }
        }
        return false;
    }
}
