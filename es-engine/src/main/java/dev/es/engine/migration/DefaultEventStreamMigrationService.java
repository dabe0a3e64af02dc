package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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

/** The engine's {@link EventStreamMigrationService}: runs each migration on a background thread of its own. */
public final class DefaultEventStreamMigrationService implements EventStreamMigrationService, AutoCloseable {

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

    @Override
    public List<MigrationEntry> activeMigrations() {
        return routing.active();
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
        Optional<MigrationEntry> unfinishedCutover = unfinishedCutover(builder);
        if (unfinishedCutover.isPresent()) {
            // a migration that switched the document but died before BOOK_CLOSED: running "the same migration"
            // again finishes that one, instead of migrating its target onwards
            MigrationEntry e = unfinishedCutover.get();
            return launch(builder, e.source(), e.target(), e.migrationId());
        }
        StreamPointer source = source(builder);
        StreamPointer target = target(builder, source);
        String migrationId = resumableEntry(builder, source, target).map(MigrationEntry::migrationId)
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

    private Optional<MigrationEntry> unfinishedCutover(MigrationBuilder builder) {
        if (builder.sourceStreamId != null) {
            return Optional.empty();
        }
        Optional<ObjectDocument> document = streams.documents().get(builder.objectName, builder.objectId);
        if (document.isEmpty()) {
            return Optional.empty();
        }
        StreamPointer active = document.get().active();
        return routing.all().stream()
                .filter(e -> e.objectName().equals(builder.objectName) && e.objectId().equals(builder.objectId))
                .filter(e -> e.isActive() || e.status() == MigrationStatus.FAILED)
                .filter(e -> e.target().equals(active))
                .filter(e -> builder.targetStreamId == null || builder.targetStreamId.equals(active.streamId()))
                .findFirst();
    }

    private Optional<MigrationEntry> resumableEntry(MigrationBuilder builder, StreamPointer source,
                                                    StreamPointer target) {
        return routing.all().stream()
                .filter(e -> e.objectName().equals(builder.objectName) && e.objectId().equals(builder.objectId))
                .filter(e -> e.source().equals(source) && e.target().equals(target))
                .filter(e -> e.isActive() || e.status() == MigrationStatus.FAILED)
                .max(Comparator.comparing(MigrationEntry::updatedAt,
                        Comparator.nullsFirst(Comparator.naturalOrder())));
    }
}
