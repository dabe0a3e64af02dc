package dev.es.sample;

import dev.es.engine.Identifiers;
import dev.es.engine.aggregate.AggregateNotFoundException;
import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The order API: {@code POST /orders}, {@code POST /orders/{id}/notes}, {@code GET /orders/{id}} and
 * {@code GET /orders/{id}/history}. Errors are RFC 9457 problem details ({@link ApiExceptionHandler}).
 */
@RestController
@RequestMapping("/orders")
class OrderController {

    private final AggregateRepository<Order> orders;
    private final EventStreams streams;
    private final EventSerializer serializer;

    OrderController(AggregateRepository<Order> orders, EventStreams streams, EventSerializer serializer) {
        this.orders = orders;
        this.streams = streams;
        this.serializer = serializer;
    }

    /**
     * Body of {@code POST /orders}; {@code id} is optional (a random UUID when absent), {@code currency} too
     * ({@code EUR} when absent).
     */
    record CreateOrder(String id, String customer, String currency) {
    }

    /** Body of {@code POST /orders/{id}/notes}; with {@code expectedVersion} the note is added only at that version. */
    record AddNote(String text, Long expectedVersion) {
    }

    /** An order's state and where its events live now. */
    record OrderView(String id, String customer, String currency, List<String> notes, long version, String store,
                     String stream) {
    }

    /** One event of an order's history. */
    record HistoryEvent(long version, String type, String eventId, Instant recordedAt, Object data) {
    }

    @PostMapping
    ResponseEntity<OrderView> create(@RequestBody CreateOrder request) {
        String customer = Order.requireCustomer(request.customer());
        String currency = Order.requireCurrency(request.currency() == null ? Order.DEFAULT_CURRENCY
                : request.currency());
        String id = request.id() == null ? UUID.randomUUID().toString() : Identifiers.requireObjectId(request.id());
        if (orders.find(id).isPresent()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "Order " + id + " already exists");
        }
        Order order = orders.create(id);
        order.place(customer, currency);
        orders.save(order);
        return ResponseEntity.created(URI.create("/orders/" + id)).body(view(order));
    }

    @PostMapping("/{id}/notes")
    OrderView addNote(@PathVariable String id, @RequestBody AddNote request) {
        Order order = load(id);
        if (request.expectedVersion() != null && request.expectedVersion() != order.version()) {
            throw new WrongExpectedVersionException(activeStream(id).streamId(),
                    ExpectedVersion.exactly(request.expectedVersion()), order.version());
        }
        order.addNote(request.text());
        orders.save(order);
        return view(order);
    }

    @GetMapping("/{id}")
    OrderView get(@PathVariable String id) {
        return view(load(id));
    }

    @GetMapping("/{id}/history")
    List<HistoryEvent> history(@PathVariable String id) {
        load(id);
        EventStream stream = streams.find(Order.OBJECT_NAME, id)
                .orElseThrow(() -> new AggregateNotFoundException(Order.OBJECT_NAME, id));
        try (Stream<StoredEvent> events = stream.readAll()) {
            return events.map(e -> new HistoryEvent(e.version(), e.type(), e.eventId(), e.recordedAt(),
                    serializer.deserialize(e))).toList();
        }
    }

    private Order load(String id) {
        Identifiers.requireObjectId(id);
        return orders.find(id).filter(Order::isPlaced)
                .orElseThrow(() -> new AggregateNotFoundException(Order.OBJECT_NAME, id));
    }

    private StreamPointer activeStream(String id) {
        return streams.find(Order.OBJECT_NAME, id).map(s -> s.refresh().active())
                .orElseThrow(() -> new AggregateNotFoundException(Order.OBJECT_NAME, id));
    }

    private OrderView view(Order order) {
        StreamPointer active = activeStream(order.id());
        return new OrderView(order.id(), order.customer(), order.currency(), order.notes(), order.version(), active.store(),
                active.streamId());
    }
}
