package dev.es.sample.dashboard;

import dev.es.engine.Identifiers;
import dev.es.engine.aggregate.AggregateNotFoundException;
import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.migration.BulkMigrationHandle;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.RollbackResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import dev.es.sample.Order;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's API under {@code /dashboard/api} (the page itself is {@code static/index.html}, served at
 * {@code /}): the orders, starting migrations, the live event stream, an order's history with each event's origin
 * stream, and the migration controls. The controls (pause, resume, cancel, cutover, rollback) follow the access the
 * application grants the {@code migrations} actuator endpoint's write operations
 * ({@code management.endpoint.migrations.access=unrestricted}); otherwise they answer 403 and the page hides them.
 */
@RestController
@RequestMapping("/dashboard/api")
public class DashboardController {

    /** The most orders the page lists. */
    static final int MAX_ORDERS = 200;
    /** The most events an order seeded from the page gets. */
    static final int MAX_SEED_NOTES = 1000;

    private final EventStreams streams;
    private final EventStreamMigrationService migrations;
    private final DashboardMigrations dashboardMigrations;
    private final DashboardEvents events;
    private final AggregateRepository<Order> orders;
    private final ObjectProvider<EndpointAccessResolver> access;

    DashboardController(EventStreams streams, EventStreamMigrationService migrations,
                        DashboardMigrations dashboardMigrations, DashboardEvents events,
                        AggregateRepository<Order> orders, ObjectProvider<EndpointAccessResolver> access) {
        this.streams = streams;
        this.migrations = migrations;
        this.dashboardMigrations = dashboardMigrations;
        this.events = events;
        this.orders = orders;
        this.access = access;
    }

    /** What the page shows first: the stores, whether the controls are on, the orders. */
    public record Overview(List<String> stores, String defaultStore, boolean writeOperations,
                           List<OrderRow> orders) {
    }

    /** One order: its active stream and store, its version there, its tags. */
    public record OrderRow(String id, String store, String stream, long version, Set<String> tags) {
    }

    /** Body of {@code POST /dashboard/api/orders}: an order with {@code notes} notes, tagged {@code tag} if given. */
    public record SeedOrder(String id, String customer, @Nullable Integer notes, @Nullable String tag) {
    }

    /**
     * One event of an order's history.
     *
     * @param origin   the stream the event was first written to ({@code store/stream}): a copy keeps the event's id,
     *                 so an event found in an earlier stream of the order came from there
     * @param storedIn the stream it is read from now
     */
    public record HistoryRow(long version, String type, String eventId, Instant recordedAt, String payload,
                             String origin, String storedIn) {
    }

    /** Body of {@code POST /dashboard/api/orders/{id}/live-events}: the note to add. */
    public record LiveEvent(String text) {
    }

    /** Where a live event went: the order's version after it, and the stream and store it was written to. */
    public record LiveEventWritten(String orderId, String text, long version, String store, String stream) {
    }

    /** What a control answers. */
    public record ControlResult(String id, String action, boolean accepted, String status) {
    }

    @GetMapping("/overview")
    Overview overview() {
        List<OrderRow> rows = new ArrayList<>();
        for (String id : streams.documents().objectIds(Order.OBJECT_NAME, null, MAX_ORDERS)) {
            streams.documents().get(Order.OBJECT_NAME, id).ifPresent(doc -> rows.add(row(doc)));
        }
        return new Overview(List.copyOf(new TreeSet<>(streams.stores().names())), streams.defaultStore(),
                writeOperations(), rows);
    }

    @PostMapping("/orders")
    ResponseEntity<OrderRow> seed(@RequestBody SeedOrder request) {
        String id = Identifiers.requireObjectId(request.id() == null ? "" : request.id());
        int notes = request.notes() == null ? 0 : request.notes();
        if (notes < 0 || notes > MAX_SEED_NOTES) {
            throw DashboardMigrations.badRequest("notes must be between 0 and " + MAX_SEED_NOTES);
        }
        if (orders.find(id).isPresent()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "Order " + id + " already exists");
        }
        Order order = orders.create(id);
        order.place(Order.requireCustomer(request.customer()), Order.DEFAULT_CURRENCY);
        for (int i = 1; i <= notes; i++) {
            order.addNote("note " + i);
        }
        orders.save(order);
        if (request.tag() != null && !request.tag().isBlank()) {
            stream(id).tag(Identifiers.requireTag(request.tag()));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(row(stream(id).refresh()));
    }

    /**
     * Adds a note to the order now, through its aggregate (during a migration it lands on the source, or after the
     * close follows the continuation to the target), then reports the order's running migrations, whose source moved.
     */
    @PostMapping("/orders/{id}/live-events")
    LiveEventWritten liveEvent(@PathVariable String id, @RequestBody LiveEvent request) {
        Identifiers.requireObjectId(id);
        Order order = orders.find(id).filter(Order::isPlaced)
                .orElseThrow(() -> new AggregateNotFoundException(Order.OBJECT_NAME, id));
        order.addNote(request.text());
        orders.save(order);
        dashboardMigrations.refresh(id);
        StreamPointer active = stream(id).refresh().active();
        return new LiveEventWritten(id, request.text(), order.version(), active.store(), active.streamId());
    }

    @GetMapping("/orders/{id}/history")
    List<HistoryRow> history(@PathVariable String id) {
        EventStream stream = stream(id);
        ObjectDocument document = stream.refresh();
        Map<String, String> origins = new HashMap<>();
        // the terminated streams, oldest first: where copied events were first written
        for (TerminatedStream terminated : document.terminatedStreams()) {
            if (terminated.deletedAt() == null) {
                String name = terminated.store() + "/" + terminated.streamId();
                readStream(terminated.pointer()).forEach(e -> origins.putIfAbsent(e.eventId(), name));
            }
        }
        String storedIn = document.active().store() + "/" + document.active().streamId();
        try (Stream<StoredEvent> all = stream.readAll()) {
            return all.map(e -> new HistoryRow(e.version(), e.type(), e.eventId(), e.recordedAt(), e.payload(),
                    origins.getOrDefault(e.eventId(), storedIn), storedIn)).toList();
        }
    }

    @GetMapping(path = "/stream", produces = "text/event-stream")
    SseEmitter stream() {
        return events.subscribe();
    }

    @PostMapping("/migrations")
    ResponseEntity<DashboardMigrations.Started> start(@RequestBody StartMigration request) {
        return ResponseEntity.accepted().body(dashboardMigrations.start(request));
    }

    @PostMapping("/migrations/{id}/{action}")
    ControlResult control(@PathVariable String id, @PathVariable String action) {
        requireWriteOperations();
        if ("rollback".equals(action)) {
            RollbackResult result = dashboardMigrations.rollback(id);
            return new ControlResult(id, action, result.isSuccess(), result.status().name());
        }
        MigrationHandle handle = migrations.handle(id).map(h -> h.requestedBy("dashboard"))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No migration " + id + " runs in this process"));
        boolean accepted = switch (action) {
            case "pause" -> {
                handle.pause();
                yield true;
            }
            case "resume" -> {
                handle.resume();
                yield true;
            }
            case "cancel" -> handle.cancel();
            case "cutover" -> handle.cutover();
            default -> throw DashboardMigrations.badRequest(
                    "action must be pause, resume, cancel, cutover or rollback, was " + action);
        };
        return new ControlResult(id, action, accepted, handle.progress().status().name());
    }

    @PostMapping("/bulk/{id}/{action}")
    ControlResult controlBulk(@PathVariable String id, @PathVariable String action) {
        requireWriteOperations();
        BulkMigrationHandle handle = migrations.bulkHandle(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No bulk run " + id + " runs in this process"));
        switch (action) {
            case "pause" -> handle.pause();
            case "resume" -> handle.resume();
            case "cancel" -> handle.cancel();
            default -> throw DashboardMigrations.badRequest("action must be pause, resume or cancel, was " + action);
        }
        return new ControlResult(id, action, true, handle.isDone() ? "DONE" : "RUNNING");
    }

    /** Whether the application grants the {@code migrations} endpoint's write operations. */
    boolean writeOperations() {
        EndpointAccessResolver resolver = access.getIfAvailable();
        return resolver != null
                && resolver.accessFor(EndpointId.of("migrations"), Access.READ_ONLY) == Access.UNRESTRICTED;
    }

    private void requireWriteOperations() {
        if (!writeOperations()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "The migration controls are off: they follow"
                    + " management.endpoint.migrations.access, which is not unrestricted");
        }
    }

    private EventStream stream(String id) {
        Identifiers.requireObjectId(id);
        return streams.find(Order.OBJECT_NAME, id).orElseThrow(() -> new AggregateNotFoundException(Order.OBJECT_NAME,
                id));
    }

    private List<StoredEvent> readStream(StreamPointer pointer) {
        EventStore store = streams.stores().get(pointer.store());
        List<StoredEvent> all = new ArrayList<>();
        long from = 1;
        while (true) {
            List<StoredEvent> page = store.read(pointer.streamId(), from, 500);
            for (StoredEvent event : page) {
                if (!event.isCloseEvent()) {
                    all.add(event);
                }
            }
            if (page.size() < 500) {
                return all;
            }
            from = page.get(page.size() - 1).version() + 1;
        }
    }

    private OrderRow row(ObjectDocument doc) {
        StreamPointer active = doc.active();
        return new OrderRow(doc.objectId(), active.store(),
                active.streamId(), streams.stores().get(active.store()).version(active.streamId()),
                new TreeSet<>(doc.tags().keySet()));
    }
}
