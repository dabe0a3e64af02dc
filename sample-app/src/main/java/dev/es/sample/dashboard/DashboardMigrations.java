package dev.es.sample.dashboard;

import dev.es.engine.Identifiers;
import dev.es.engine.aggregate.AggregateNotFoundException;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.migration.BulkMigrationBuilder;
import dev.es.engine.migration.BulkMigrationHandle;
import dev.es.engine.migration.BulkMigrationProgress;
import dev.es.engine.migration.CatchUpProgress;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationBuilder;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationProgress;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventTransformer;
import dev.es.sample.Order;
import dev.es.sample.OrderUpcasting;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

/**
 * Starts the dashboard's live migrations (one order, a tag or a whole store) and turns the engine's callbacks into
 * the live view's events: {@code progress} ({@link MigrationView}, from {@code onProgress}, {@code onCatchUpProgress}
 * and each copied event), {@code copied} ({@link CopiedEvent}, from {@code onEventCopied}) and {@code bulk}
 * ({@link BulkMigrationProgress}, from {@code onBulkProgress}).
 */
@Service
public class DashboardMigrations {

    private static final Logger log = LoggerFactory.getLogger(DashboardMigrations.class);

    /** The shortest time between two progress reports of one migration. */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(200);
    /** The highest copy rate the dashboard accepts (as {@code POST /admin/migrations}). */
    static final double MAX_EVENTS_PER_SECOND = 1_000_000;

    private final EventStreamMigrationService migrations;
    private final EventStreams streams;
    private final DashboardEvents events;
    /** The migrations started here that have not ended, by id. */
    private final Map<String, Tracking> running = new ConcurrentHashMap<>();

    DashboardMigrations(EventStreamMigrationService migrations, EventStreams streams, DashboardEvents events) {
        this.migrations = migrations;
        this.streams = streams;
        this.events = events;
    }

    /** What starting answers: a single migration ({@code kind} {@code order}) or a bulk run ({@code bulk}). */
    public record Started(String kind, String id, @Nullable String orderId) {
    }

    /** Starts what {@code request} asks for, in the background. */
    Started start(StartMigration request) {
        if (!(request.rate() >= 0 && request.rate() <= MAX_EVENTS_PER_SECOND)) {
            throw badRequest("maxEventsPerSecond must be between 0 (no limit) and " + (long) MAX_EVENTS_PER_SECOND
                    + ", was " + request.rate());
        }
        String targetStore = blankToNull(request.targetStore());
        if (targetStore != null) {
            streams.stores().get(targetStore); // UnknownStoreException (400) before anything starts
        }
        String scope = request.scope() == null ? "" : request.scope().toLowerCase(Locale.ROOT);
        return switch (scope) {
            case "order" -> startOrder(request, targetStore);
            case "tag" -> startBulk(request, targetStore, migrations.forTag(Order.OBJECT_NAME,
                    Identifiers.requireTag(require(request.tag(), "tag"))), "tag " + request.tag());
            case "store" -> startBulk(request, targetStore,
                    migrations.forStore(streams.stores().get(require(request.store(), "store")).name()),
                    "store " + request.store());
            default -> throw badRequest("scope must be order, tag or store, was " + request.scope());
        };
    }

    private Started startOrder(StartMigration request, @Nullable String targetStore) {
        String orderId = Identifiers.requireObjectId(require(request.orderId(), "orderId"));
        if (streams.find(Order.OBJECT_NAME, orderId).isEmpty()) {
            throw new AggregateNotFoundException(Order.OBJECT_NAME, orderId);
        }
        MigrationBuilder builder = migrations.forDocument(Order.OBJECT_NAME, orderId);
        if (targetStore != null) {
            builder.withTargetStore(targetStore);
        }
        if (request.transforms()) {
            builder.withTransformer(OrderUpcasting.ORDER_PLACED_V1_TO_V2);
        }
        configure(builder, new Tracking(null, orderId), request);
        MigrationHandle handle = builder.start();
        log.info("Dashboard started migration {} of order {} (target store {}, {} event(s)/s, manual cutover {})",
                handle.migrationId(), orderId, targetStore == null ? "unchanged" : targetStore,
                request.rate() > 0 ? request.rate() : "no limit on",
                request.manual());
        return new Started("order", handle.migrationId(), orderId);
    }

    private Started startBulk(StartMigration request, @Nullable String targetStore, BulkMigrationBuilder bulk,
                              String selection) {
        if (targetStore != null) {
            bulk.targetStore(targetStore);
        }
        if (request.transforms()) {
            bulk.transformer(OrderUpcasting.ORDER_PLACED_V1_TO_V2);
        }
        String bulkRunId = java.util.UUID.randomUUID().toString();
        bulk.bulkRunId(bulkRunId)
                .continueOnError()
                .progressInterval(PROGRESS_INTERVAL)
                .onBulkProgress(p -> events.publish("bulk", BulkView.of(p, selection)))
                .eachObject(builder -> configure(builder, new Tracking(bulkRunId, null), request));
        BulkMigrationHandle handle = bulk.start();
        log.info("Dashboard started bulk run {} over {} (target store {})", handle.bulkRunId(), selection,
                targetStore == null ? "unchanged" : targetStore);
        return new Started("bulk", handle.bulkRunId(), null);
    }

    /** A bulk run's progress as the live view shows it: the engine's report and what the run selected. */
    public record BulkView(String bulkRunId, String selection, long migrated, long failed, long skipped, int running,
                           @Nullable Long remaining, long events, double eventsPerSecond, long elapsedMillis) {

        static BulkView of(BulkMigrationProgress p, String selection) {
            return new BulkView(p.bulkRunId(), selection, p.migrated(), p.failed(), p.skipped(), p.running(),
                    p.remaining(), p.events(), p.eventsPerSecond(), p.elapsed().toMillis());
        }
    }

    private void configure(MigrationBuilder builder, Tracking tracking, StartMigration request) {
        builder.withRollbackSupport()
                .withLiveMigration(live -> {
                    if (request.rate() > 0) {
                        live.maxEventsPerSecond(request.rate());
                    }
                    if (request.manual()) {
                        live.manualCutover();
                    }
                    live.onEventCopied(event -> copied(tracking, event))
                            .onCatchUpProgress(catchUp -> catchUp(tracking, catchUp));
                })
                .withProgress(progress -> progress.interval(PROGRESS_INTERVAL)
                        .onProgress(p -> progress(tracking, p))
                        .onCompleted(r -> completed(tracking, r)));
    }

    private void progress(Tracking tracking, MigrationProgress progress) {
        identify(tracking, progress.migrationId());
        tracking.catchUpIterations = progress.catchUpIterations();
        publish(tracking);
    }

    private void catchUp(Tracking tracking, CatchUpProgress catchUp) {
        tracking.catchUpIterations = catchUp.iteration();
        publish(tracking);
    }

    private void copied(Tracking tracking, StoredEvent event) {
        tracking.copied.incrementAndGet();
        tracking.lastCopiedSourceVersion = event.version();
        Optional<MigrationEntry> entry = entry(tracking);
        String targetStore = entry.map(e -> e.target().store()).orElse("-");
        String targetStream = entry.map(e -> e.target().streamId()).orElse("-");
        String orderId = entry.map(MigrationEntry::objectId).orElse(tracking.orderId == null ? "-" : tracking.orderId);
        events.publish("copied", new CopiedEvent(tracking.migrationId == null ? "-" : tracking.migrationId,
                orderId, event.version(), event.type(), event.eventId(), targetStore, targetStream, Instant.now()));
        publish(tracking);
    }

    private void completed(Tracking tracking, MigrationResult result) {
        identify(tracking, result.migrationId());
        running.remove(result.migrationId());
        publish(tracking);
    }

    private void identify(Tracking tracking, String migrationId) {
        if (tracking.migrationId == null) {
            tracking.migrationId = migrationId;
            running.put(migrationId, tracking);
        }
    }

    /**
     * Publishes the view of every running migration of order {@code orderId}: after a write to it (a live event),
     * so that the page sees the source move before the copy's next page.
     */
    void refresh(String orderId) {
        for (Tracking tracking : running.values()) {
            MigrationEntry entry = tracking.entry;
            if (entry != null && orderId.equals(entry.objectId())) {
                publish(tracking);
            }
        }
    }

    /**
     * Publishes the migration's view to the open pages (nothing when none listens). Every copied event is reported,
     * so the versions and the lag move with the copy feed.
     */
    private void publish(Tracking tracking) {
        if (events.subscribers() > 0) {
            view(tracking).ifPresent(v -> events.publish("progress", v));
        }
    }

    /** The migration's view now, once the engine reported its id. */
    Optional<MigrationView> view(Tracking tracking) {
        Optional<MigrationEntry> found = entry(tracking);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        MigrationEntry entry = found.get();
        Optional<MigrationHandle> handle = migrations.handle(entry.migrationId());
        MigrationProgress live = handle.map(MigrationHandle::progress).orElse(null);
        MigrationPhase phase = live == null ? entry.phase() : live.phase();
        String status = (live == null ? entry.status() : live.status()).name();
        long sourceVersion = version(entry.source());
        long targetVersion = version(entry.target());
        long behind;
        if (phase == MigrationPhase.PENDING || phase == MigrationPhase.CATCH_UP) {
            behind = Math.max(0, sourceVersion - tracking.lastCopiedSourceVersion);
        } else {
            behind = live == null ? entry.eventsBehind() : live.eventsBehind();
        }
        // over at least a second: the first page of a throttled copy is a second's worth at once
        double seconds = Math.max(1, (System.nanoTime() - tracking.startedNanos) / 1e9);
        return Optional.of(new MigrationView(entry.migrationId(), tracking.bulkRunId,
                entry.objectId() == null ? "-" : entry.objectId(), phase.name(), status, entry.source().store(),
                entry.source().streamId(), sourceVersion, entry.target().store(), entry.target().streamId(),
                targetVersion, tracking.copied.get(), behind, tracking.copied.get() / seconds,
                tracking.catchUpIterations, handle.map(MigrationHandle::isCutoverReady).orElse(false),
                entry.error()));
    }

    /** The migration's routing entry: read once for its streams while it runs, again once it has ended. */
    private Optional<MigrationEntry> entry(Tracking tracking) {
        String id = tracking.migrationId;
        if (id == null) {
            return Optional.empty();
        }
        MigrationEntry known = tracking.entry;
        if (known != null && migrations.handle(id).isPresent()) {
            return Optional.of(known);
        }
        Optional<MigrationEntry> read = migrations.get(id);
        read.ifPresent(e -> tracking.entry = e);
        return read;
    }

    private long version(StreamPointer stream) {
        return streams.stores().get(stream.store()).version(stream.streamId());
    }

    /**
     * Rolls migration {@code migrationId} back and waits for it ({@code EventStreamMigrationService.rollback}): before
     * its cutover the target is discarded, after it a reverse live migration moves the order back to its original
     * store. The reverse copy keeps events as they are ({@link EventTransformer#identity()}): the only transform the
     * dashboard applies raises {@code OrderPlaced} to v2, the schema the application reads, so there is nothing to
     * undo. Publishes the migration's view afterwards ({@code ROLLED_BACK}).
     */
    dev.es.engine.migration.RollbackResult rollback(String migrationId) {
        dev.es.engine.migration.RollbackResult result = migrations.rollback(migrationId, EventTransformer.identity());
        Tracking tracking = new Tracking(null, null);
        tracking.migrationId = migrationId;
        publish(tracking);
        return result;
    }

    private static String require(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw badRequest(name + " is required");
        }
        return value;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static ResponseStatusException badRequest(String message) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, message);
    }

    /** What the dashboard knows about one object migration: filled in by the engine's callbacks. */
    static final class Tracking {

        final @Nullable String bulkRunId;
        final @Nullable String orderId;
        final AtomicLong copied = new AtomicLong();
        final long startedNanos = System.nanoTime();
        volatile @Nullable String migrationId;
        volatile long lastCopiedSourceVersion;
        volatile int catchUpIterations;
        /** The routing entry as first read: its source and target do not change. */
        volatile @Nullable MigrationEntry entry;

        Tracking(@Nullable String bulkRunId, @Nullable String orderId) {
            this.bulkRunId = bulkRunId;
            this.orderId = orderId;
        }
    }
}
