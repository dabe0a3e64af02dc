package dev.es.sample;

import dev.es.engine.Identifiers;
import dev.es.engine.aggregate.AggregateNotFoundException;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationBuilder;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationProgress;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.stream.EventStreams;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/migrations/{orderId}}: starts a live migration of one order's event stream in the background and
 * answers at once; {@code /actuator/migrations/{migrationId}} follows it. Writers keep writing meanwhile.
 */
@RestController
class MigrationController {

    private static final Logger log = LoggerFactory.getLogger(MigrationController.class);

    /** The highest copy rate the endpoint accepts. */
    static final double MAX_EVENTS_PER_SECOND = 1_000_000;

    private final EventStreamMigrationService migrations;
    private final EventStreams streams;

    MigrationController(EventStreamMigrationService migrations, EventStreams streams) {
        this.migrations = migrations;
        this.streams = streams;
    }

    /** What {@code POST /admin/migrations/{orderId}} answers: the new migration and where to watch it. */
    record MigrationStarted(String migrationId, String orderId, String status, String phase, String targetStore,
                            double maxEventsPerSecond, String monitor) {
    }

    /**
     * Starts the migration of order {@code orderId} to a new stream ({@code order-<id>-v2}, ...) in
     * {@code targetStore} (by default the store the order is in now).
     *
     * @param maxEventsPerSecond the migration's copy rate limit ({@code LiveMigrationOptions.maxEventsPerSecond}):
     *                           0 (the default) for the application's {@code es.migration.max-events-per-second};
     *                           a low rate (1, 2) gives a person time to watch the migration run at
     *                           {@code /actuator/migrations} and add notes while it does
     * @param upcast             whether the copy raises {@code OrderPlaced} v1 events to v2
     *                           ({@link OrderUpcasting#ORDER_PLACED_V1_TO_V2}), a copy-and-transform migration
     */
    @PostMapping("/admin/migrations/{orderId}")
    ResponseEntity<MigrationStarted> start(@PathVariable String orderId,
                                           @RequestParam(required = false) String targetStore,
                                           @RequestParam(defaultValue = "0") double maxEventsPerSecond,
                                           @RequestParam(defaultValue = "false") boolean upcast) {
        Identifiers.requireObjectId(orderId);
        if (!(maxEventsPerSecond >= 0 && maxEventsPerSecond <= MAX_EVENTS_PER_SECOND)) {
            throw new InvalidOrderException("maxEventsPerSecond must be between 0 (the configured default) and "
                    + (long) MAX_EVENTS_PER_SECOND + ", was " + maxEventsPerSecond);
        }
        if (streams.find(Order.OBJECT_NAME, orderId).isEmpty()) {
            throw new AggregateNotFoundException(Order.OBJECT_NAME, orderId);
        }
        migrations.activeMigrations().stream()
                .filter(m -> Order.OBJECT_NAME.equals(m.objectName()) && orderId.equals(m.objectId()))
                // one left PAUSED by a shutdown is not running: starting the same migration again resumes it
                .filter(m -> migrations.handle(m.migrationId()).isPresent())
                .findFirst()
                .ifPresent(running -> {
                    throw new MigrationAlreadyRunningException(orderId, running.migrationId());
                });
        MigrationBuilder migration = migrations.forDocument(Order.OBJECT_NAME, orderId);
        if (targetStore != null) {
            // fails with UnknownStoreException (400) before anything starts
            migration.withTargetStore(streams.stores().get(targetStore).name());
        }
        if (maxEventsPerSecond > 0) {
            migration.withLiveMigration(live -> live.maxEventsPerSecond(maxEventsPerSecond));
        }
        if (upcast) {
            // copy and transform: the target holds OrderPlaced v2 (a copy applies the lazy upcaster, when on, first)
            migration.withTransformer(OrderUpcasting.ORDER_PLACED_V1_TO_V2);
        }
        migration.withProgress(progress -> progress.onCompleted(MigrationController::logOutcome));
        MigrationHandle handle = migration.start();
        MigrationProgress progress = handle.progress();
        log.info("Started migration {} of order {} (target store {}, at most {} event(s)/s)", handle.migrationId(),
                orderId, targetStore == null ? "unchanged" : targetStore,
                maxEventsPerSecond > 0 ? maxEventsPerSecond : "the default");
        String monitor = "/actuator/migrations/" + handle.migrationId();
        return ResponseEntity.accepted().location(URI.create(monitor)).body(new MigrationStarted(handle.migrationId(),
                orderId, progress.status().name(), progress.phase().name(), targetStore, maxEventsPerSecond,
                monitor));
    }

    private static void logOutcome(MigrationResult result) {
        if (result.error() == null) {
            log.info("Migration {} ended {} after copying {} event(s)", result.migrationId(), result.status(),
                    result.statistics().totalEvents());
        } else {
            log.warn("Migration {} ended {}: {}", result.migrationId(), result.status(), result.error().getMessage());
        }
    }

    /** A migration of the order is already running in this process; the API answers it with 409. */
    static final class MigrationAlreadyRunningException extends RuntimeException {

        MigrationAlreadyRunningException(String orderId, String migrationId) {
            super("Order " + orderId + " is already being migrated by migration " + migrationId
                    + "; wait for it to end (see /actuator/migrations/" + migrationId + ")");
        }
    }
}
