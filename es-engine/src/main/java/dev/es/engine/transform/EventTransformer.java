package dev.es.engine.transform;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.List;

/**
 * Turns one stored event into zero, one or many new events while a migration copies a stream (upcasting, renames,
 * splits, drops). Events it cannot transform are copied as they are.
 */
public interface EventTransformer {

    /** Whether this transformer changes events of {@code type} in {@code schemaVersion}. */
    boolean canTransform(String type, int schemaVersion);

    /** The events that replace {@code event}; an empty list drops it. */
    List<EventData> transform(StoredEvent event);

    /**
     * Whether this transformer maps every event it transforms to exactly one event (never splits or drops): only
     * such a transformer can be registered as a lazy upcaster ({@link EventUpcaster#lazy(EventTransformer)}).
     * False unless the transformer declares it; {@link FunctionTransformer#upcast}, {@link FunctionTransformer#of}
     * and {@link FunctionTransformer#oneToOne} do, and a composite does when all its stages do.
     */
    default boolean isOneToOne() {
        return false;
    }

    /** The transformer that copies every event as it is. */
    static EventTransformer identity() {
        return Identity.INSTANCE;
    }

    /** Applies {@code this}, then {@code next} to each result. */
    default EventTransformer andThen(EventTransformer next) {
        return new CompositeTransformer(List.of(this, next));
    }

    /** The identity transformer. */
    enum Identity implements EventTransformer {
        INSTANCE;

        @Override
        public boolean canTransform(String type, int schemaVersion) {
            return false;
        }

        @Override
        public List<EventData> transform(StoredEvent event) {
            return List.of(event.toEventData());
        }

        @Override
        public boolean isOneToOne() {
            return true;
        }
    }
}
