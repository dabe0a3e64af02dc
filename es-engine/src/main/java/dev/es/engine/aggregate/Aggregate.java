package dev.es.engine.aggregate;

import dev.es.engine.event.EventData;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.StreamVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Base class of event-sourced aggregates. Subclasses register a handler per event class with {@link #on}, change
 * state only in handlers, and record new facts with {@link #raise}. {@link AggregateRepository} loads and saves them.
 */
public abstract class Aggregate {

    private final Map<Class<?>, Consumer<Object>> handlers = new HashMap<>();
    private final List<Object> uncommitted = new ArrayList<>();
    private String id;
    private StreamVersion loadedAt;
    private EventStream stream;
    private List<EventData> pending;

    /** Registers the handler that applies events of {@code eventClass} to this aggregate's state. */
    protected final <E> void on(Class<E> eventClass, Consumer<? super E> handler) {
        handlers.put(eventClass, event -> handler.accept(eventClass.cast(event)));
    }

    /** Applies a new event and keeps it for the next save. */
    protected final void raise(Object event) {
        apply(event);
        uncommitted.add(event);
        pending = null;
    }

    /** The object id. */
    public final String id() {
        return id;
    }

    /** The version of the stream this aggregate was loaded from (or last saved to); 0 when new. */
    public final long version() {
        return loadedAt == null ? 0 : loadedAt.version();
    }

    /** The stream this aggregate was loaded from (or last saved to) and its version then: what a save expects. */
    public final StreamVersion loadedAt() {
        return loadedAt;
    }

    /** Events raised since the last save. */
    public final List<Object> uncommittedEvents() {
        return List.copyOf(uncommitted);
    }

    final void apply(Object event) {
        Consumer<Object> handler = handlers.get(event.getClass());
        if (handler == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no handler for "
                    + event.getClass().getName() + "; register one with on(" + event.getClass().getSimpleName()
                    + ".class, ...)");
        }
        handler.accept(event);
    }

    final void attach(String objectId, EventStream eventStream, StreamVersion loaded) {
        this.id = objectId;
        this.stream = eventStream;
        this.loadedAt = loaded;
    }

    final EventStream stream() {
        return stream;
    }

    /** The serialized uncommitted events, kept across save attempts so a retried save reuses the same event ids. */
    final List<EventData> pending(java.util.function.Function<Object, EventData> serializer) {
        if (pending == null) {
            pending = uncommitted.stream().map(serializer).toList();
        }
        return pending;
    }

    final void committed(StreamVersion saved) {
        uncommitted.clear();
        pending = null;
        loadedAt = saved;
    }
}
