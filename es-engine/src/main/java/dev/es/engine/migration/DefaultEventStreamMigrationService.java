package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link EventStreamMigrationService}: runs each migration on a background thread of its own. It also
 * settles orphaned migrations (unfinished entries no process runs, see {@link #activeMigrations()}).
 */
public final class DefaultEventStreamMigrationService implements EventStreamMigrationService, AutoCloseable {

    /** The error of an orphaned migration that a re-run can resume. */
    static final String INTERRUPTED = "interrupted: no process is running it; run the same migration again to resume";

    private static final Logger log = LoggerFactory.getLogger(DefaultEventStreamMigrationService.class);
    private static final Pattern VERSIONED = Pattern.compile("(.*)-v(\\d+)");

    private final EventStreams streams;
    private final DistributedLockProvider locks;
    private final MigrationRoutingTable routing;
    private final MigrationDefaults defaults;
    private final MigrationListener listener;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, LiveMigration> running = new ConcurrentHashMap<>();
    private final Map<String, MigrationBuilder> definitions = new ConcurrentHashMap<>();

    public DefaultEventStreamMigrationService(EventStreams streams, DistributedLockProvider locks,
                                              MigrationRoutingTable routing, MigrationDefaults defaults,
                                              MigrationListener listener, Clock clock) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.listener = listener == null ? MigrationListener.NONE : listener;
        this.clock = clock == null ? Clock.systemUTC() : clock;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "es-migration-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
    public MigrationResult resume(String migrationId) {
        MigrationEntry entry = routing.get(migrationId)
                .orElseThrow(() -> new MigrationException(migrationId, "no such migration in the routing table"));
        LiveMigration live = running.get(migrationId);
        if (live != null) {
            return live.await();
        }
        if (entry.status() == MigrationStatus.COMPLETED || entry.status() == MigrationStatus.CANCELLED
                || entry.status() == MigrationStatus.ROLLED_BACK) {
            throw new MigrationException(migrationId, "is " + entry.status() + " and cannot be resumed");
        }
        MigrationBuilder definition = definitions.get(migrationId);
        if (definition == null) {
            throw new MigrationException(migrationId, "was started in another process (or before a restart); run"
                    + " the same migration again (same object, source, target and transformer) to resume it");
        }
        return launch(definition, entry.source(), entry.target(), migrationId).await();
    }

    /**
     * Migrations that are running (in this process or, holding their object's lock, in another) or resumable
     * ({@code PAUSED}). Orphaned entries found on the way are settled first (see {@link #settleIfOrphaned}).
     */
    @Override
    public List<MigrationEntry> activeMigrations() {
        List<MigrationEntry> answer = new ArrayList<>();
        for (MigrationEntry entry : routing.active()) {
            settleIfOrphaned(entry).filter(MigrationEntry::isActive).ifPresent(answer::add);
        }
        return answer;
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        return routing.get(migrationId);
    }

    @Override
    public Optional<MigrationHandle> handle(String migrationId) {
        return Optional.ofNullable(running.get(migrationId));
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
        List<LiveMigration> now = List.copyOf(running.values());
        now.forEach(LiveMigration::suspend);
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

    /** Stops the migration threads; running migrations stop where they are and can be resumed. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    MigrationHandle launch(MigrationBuilder builder) {
        // the object's entries, read once, as they stand once its orphans are settled
        List<MigrationEntry> entries = settleOrphans(routing.forObject(builder.objectName, builder.objectId));
        Optional<MigrationEntry> unfinishedCutover = unfinishedCutover(builder, entries);
        if (unfinishedCutover.isPresent()) {
            // a migration that switched the document but died before BOOK_CLOSED: running "the same migration"
            // again finishes that one, instead of migrating its target onwards
            MigrationEntry e = unfinishedCutover.get();
            return launch(builder, e.source(), e.target(), e.migrationId());
        }
        StreamPointer source = source(builder);
        StreamPointer target = target(builder, source);
        String migrationId = resumableEntry(entries, source, target).map(MigrationEntry::migrationId)
                .orElseGet(() -> UUID.randomUUID().toString());
        return launch(builder, source, target, migrationId);
    }

    private LiveMigration launch(MigrationBuilder builder, StreamPointer source, StreamPointer target,
                                 String migrationId) {
        LiveMigration migration = new LiveMigration(migrationId, builder, source, target,
                builder.targetStreamId != null || builder.targetStore != null, streams, locks, routing, listener,
                clock);
        if (running.putIfAbsent(migrationId, migration) != null) {
            migration.refuse("is already running in this process");
            return migration;
        }
        definitions.put(migrationId, builder);
        migration.onFinish(status -> {
            running.remove(migrationId, migration);
            if (status == MigrationStatus.COMPLETED || status == MigrationStatus.CANCELLED) {
                definitions.remove(migrationId, builder);
            }
        });
        try {
            executor.execute(migration::run);
        } catch (RuntimeException e) {
            running.remove(migrationId, migration);
            migration.refuse("could not be started: " + e.getMessage());
        }
        return migration;
    }

    MigrationPlan plan(MigrationBuilder builder) {
        StreamPointer source = source(builder);
        StreamPointer target = target(builder, source);
        EventStore store = streams.stores().get(source.store());
        streams.stores().get(target.store());
        long[] counts = new long[3];
        boolean[] closed = {false};
        long started = System.nanoTime();
        try (var events = store.stream(source.streamId(), 1, streams.settings().chunkSize())) {
            events.forEach((StoredEvent e) -> {
                if (e.isCloseEvent()) {
                    closed[0] = true;
                    return;
                }
                counts[0]++;
                counts[1] += e.payload().getBytes(StandardCharsets.UTF_8).length;
                e.metadata().forEach((k, v) -> counts[1] += k.length() + v.length());
                if (builder.transformer.canTransform(e.type(), e.schemaVersion())) {
                    counts[2]++;
                }
            });
        }
        Duration read = Duration.ofNanos(System.nanoTime() - started);
        double perSecond = counts[0] == 0 ? 0 : counts[0] / Math.max(1e-9, read.toNanos() / 1e9);
        return new MigrationPlan(builder.objectName, builder.objectId, source, target, counts[0], counts[1], counts[2],
                perSecond, read.multipliedBy(2), closed[0]);
    }

    private StreamPointer source(MigrationBuilder builder) {
        ObjectDocument document = streams.documents().get(builder.objectName, builder.objectId)
                .orElseThrow(() -> new MigrationException("-", "no document for " + builder.objectName + "/"
                        + builder.objectId));
        StreamPointer active = document.active();
        if (builder.sourceStreamId == null) {
            return active;
        }
        String store = builder.sourceStore != null ? builder.sourceStore
                : builder.sourceStreamId.equals(active.streamId()) ? active.store()
                : document.terminatedStreams().stream().filter(t -> t.streamId().equals(builder.sourceStreamId))
                        .map(t -> t.store()).findFirst().orElse(active.store());
        StreamPointer source = new StreamPointer(builder.sourceStreamId, store);
        streams.stores().get(store);
        return source;
    }

    private StreamPointer target(MigrationBuilder builder, StreamPointer source) {
        String store = builder.targetStore != null ? builder.targetStore : source.store();
        streams.stores().get(store);
        String streamId = builder.targetStreamId != null ? builder.targetStreamId : nextStreamId(source.streamId());
        StreamPointer target = new StreamPointer(streamId, store);
        if (target.equals(source)) {
            throw new MigrationException("-", "source and target are the same stream " + source);
        }
        return target;
    }

    /** {@code order-42} becomes {@code order-42-v2}, {@code order-42-v2} becomes {@code order-42-v3}. */
    static String nextStreamId(String streamId) {
        Matcher m = VERSIONED.matcher(streamId);
        if (m.matches()) {
            return m.group(1) + "-v" + (Long.parseLong(m.group(2)) + 1);
        }
        return streamId + "-v2";
    }

    private Optional<MigrationEntry> unfinishedCutover(MigrationBuilder builder, List<MigrationEntry> entries) {
        if (builder.sourceStreamId != null) {
            return Optional.empty();
        }
        Optional<ObjectDocument> document = streams.documents().get(builder.objectName, builder.objectId);
        if (document.isEmpty()) {
            return Optional.empty();
        }
        StreamPointer active = document.get().active();
        return entries.stream()
                .filter(e -> e.isActive() || e.status() == MigrationStatus.FAILED)
                .filter(e -> e.target().equals(active))
                .filter(e -> builder.targetStreamId == null || builder.targetStreamId.equals(active.streamId()))
                .findFirst();
    }

    private static Optional<MigrationEntry> resumableEntry(List<MigrationEntry> entries, StreamPointer source,
                                                           StreamPointer target) {
        return entries.stream()
                .filter(e -> e.source().equals(source) && e.target().equals(target))
                .filter(e -> e.isActive() || e.status() == MigrationStatus.FAILED)
                .max(Comparator.comparing(MigrationEntry::updatedAt,
                        Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    // ---------------------------------------------------------------- orphaned migrations

    /**
     * Settles the orphaned entries among one object's {@code entries}, before a migration of it is launched.
     *
     * @return the entries as they now stand
     */
    private List<MigrationEntry> settleOrphans(List<MigrationEntry> entries) {
        List<MigrationEntry> settled = new ArrayList<>(entries.size());
        for (MigrationEntry entry : entries) {
            if (entry.isActive()) {
                settleIfOrphaned(entry).ifPresent(settled::add);
            } else {
                settled.add(entry);
            }
        }
        return settled;
    }

    /**
     * An entry is orphaned when it is not terminal, no migration of its object runs in this process, and its
     * object's lock is free: the process that ran it died. Under that lock (taken without waiting; skipped when it is
     * not free) and with its fencing token, the entry is re-read and marked {@code PAUSED} when a re-run can still
     * finish it (its source is the active stream and is open or closed toward its target, or the document already
     * points at its target), or retired as {@code FAILED} with where the object went.
     *
     * @return the entry as it now stands; empty when it is gone
     */
    Optional<MigrationEntry> settleIfOrphaned(MigrationEntry entry) {
        if (!entry.isActive() || entry.objectName() == null || entry.objectId() == null
                || runsHere(entry.migrationId(), entry.objectName(), entry.objectId())) {
            return Optional.of(entry);
        }
        String key = "migration/" + entry.objectName() + "/" + entry.objectId();
        try {
            if (locks.isLocked(key)
                    || entry.status() == MigrationStatus.PAUSED && abandonment(entry) == null) {
                return Optional.of(entry); // running elsewhere, or already resumable
            }
            Optional<DistributedLock> acquired = locks.tryAcquire(key, Duration.ZERO);
            if (acquired.isEmpty()) {
                return Optional.of(entry);
            }
            try (DistributedLock held = acquired.get()) {
                Optional<MigrationEntry> stored = routing.get(entry.migrationId());
                if (stored.isEmpty() || !stored.get().isActive()
                        || runsHere(entry.migrationId(), entry.objectName(), entry.objectId())) {
                    return stored;
                }
                MigrationEntry current = stored.get();
                String abandoned = abandonment(current);
                if (abandoned == null && current.status() == MigrationStatus.PAUSED) {
                    return stored;
                }
                Instant now = clock.instant();
                MigrationEntry settled = abandoned == null
                        ? current.with(current.phase(), MigrationStatus.PAUSED, now).withError(INTERRUPTED, now)
                        : current.with(MigrationPhase.FAILED, MigrationStatus.FAILED, now).withError(abandoned, now);
                settled = settled.withFencingToken(held.fencingToken(), now);
                if (!held.isValid() || !routing.save(settled)) {
                    return routing.get(entry.migrationId());
                }
                if (abandoned == null) {
                    log.warn("Migration {} of {}/{} was left {} in phase {} by a process that is gone; marked PAUSED:"
                            + " run the same migration again to resume it", current.migrationId(),
                            current.objectName(), current.objectId(), current.status(), current.phase());
                } else {
                    log.warn("Migration {} of {}/{} was left {} in phase {} by a process that is gone; retired as"
                            + " FAILED: {}", current.migrationId(), current.objectName(), current.objectId(),
                            current.status(), current.phase(), abandoned);
                }
                return Optional.of(settled);
            }
        } catch (RuntimeException e) {
            log.warn("Could not check whether migration {} of {}/{} is orphaned; leaving it as it is",
                    entry.migrationId(), entry.objectName(), entry.objectId(), e);
            return Optional.of(entry);
        }
    }

    /** Whether this process runs that migration, or another migration of the same object. */
    private boolean runsHere(String migrationId, String objectName, String objectId) {
        if (running.containsKey(migrationId)) {
            return true;
        }
        for (String id : running.keySet()) {
            MigrationBuilder definition = definitions.get(id);
            if (definition != null && definition.objectName.equals(objectName)
                    && definition.objectId.equals(objectId)) {
                return true;
            }
        }
        return false;
    }

    /** Why a re-run can no longer finish {@code entry}; {@code null} when it can. */
    private String abandonment(MigrationEntry entry) {
        String object = entry.objectName() + "/" + entry.objectId();
        Optional<ObjectDocument> document = streams.documents().get(entry.objectName(), entry.objectId());
        if (document.isEmpty()) {
            return "abandoned: " + object + " has no document any more; nothing to resume";
        }
        StreamPointer active = document.get().active();
        if (active.equals(entry.target())) {
            return null; // cut over already: only book closing is left
        }
        CloseEvent close = closeOf(entry.source());
        boolean towardTarget = close != null && (entry.migrationId().equals(close.migrationId())
                || entry.target().streamId().equals(close.continuationStreamId())
                && entry.target().store().equals(close.continuationStore()));
        if (active.equals(entry.source()) && (close == null || towardTarget)) {
            return null;
        }
        String sourceState;
        StreamPointer now = active;
        if (close == null) {
            sourceState = "its source " + entry.source() + " is no longer the active stream";
        } else if (!close.hasContinuation()) {
            if (active.equals(entry.source())) {
                return "abandoned: " + object + " cannot move on: its source " + entry.source() + " is closed"
                        + " without a continuation; nothing to resume";
            }
            sourceState = "its source " + entry.source() + " is closed without a continuation";
        } else {
            StreamPointer continuation = new StreamPointer(close.continuationStreamId(), close.continuationStore());
            if (active.equals(entry.source())) {
                now = continuation; // the document has not caught up with that close yet
            }
            sourceState = "its source " + entry.source() + " is closed toward " + continuation
                    + (towardTarget ? ", its target, which has moved on since" : ", not toward its target "
                    + entry.target());
        }
        return "abandoned: " + object + " moved on to " + now + " (" + sourceState + "); nothing to resume";
    }

    private CloseEvent closeOf(StreamPointer pointer) {
        return streams.stores().get(pointer.store()).closeEvent(pointer.streamId());
    }
}
