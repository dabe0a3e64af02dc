package dev.es.engine.transform;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A lazy upcaster: maps one stored event of {@code (type, schemaVersion)} to exactly one event of a newer schema
 * version, applied on read (in {@code EventStream.readAll()}, {@code replay} and so aggregate loads) by the
 * {@link UpcasterChain} registered once on {@code EventStreams}; nothing is written.
 * <p>
 * Only the returned event's {@code type}, {@code schemaVersion}, {@code payload} and {@code metadata} are used: the
 * event id, stream version and {@code recordedAt} stay as stored, so versions and expected versions are unchanged.
 * The returned schema version must be higher than the input's (that is what keeps a chain from cycling); the
 * chain applies upcasters until none matches, v1 -> v2 -> v3. Splitting or dropping events needs a copy migration
 * ({@link EventTransformer}); a transformer is usable here only through {@link #lazy(EventTransformer)}, which
 * refuses one that is not one-to-one.
 */
public interface EventUpcaster {

    /** Whether this upcaster raises events of {@code type} in {@code schemaVersion}. */
    boolean canUpcast(String type, int schemaVersion);

    /**
     * The event in a newer schema version. Its id and {@code recordedAt} are ignored (the stored ones are kept);
     * its schema version must be higher than {@code event.schemaVersion()}.
     */
    EventData upcast(StoredEvent event);

    /** An upcaster of events of {@code type} in {@code fromSchemaVersion}, given as a function. */
    static EventUpcaster of(String type, int fromSchemaVersion, Function<StoredEvent, EventData> function) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(function, "function");
        return new FunctionUpcaster(type, fromSchemaVersion, function);
    }

    /**
     * A one-to-one transformer used as a lazy upcaster. Accepted are transformers whose
     * {@link EventTransformer#isOneToOne()} is true: {@link FunctionTransformer#upcast}, {@link FunctionTransformer#of},
     * {@link FunctionTransformer#oneToOne}, composites and pipelines of those, and own classes that declare it; a
     * transformer that may split or drop ({@link FunctionTransformer#many}, {@code TransformationPipeline.drop})
     * is refused with {@link NotOneToOneTransformerException}. Should a transformer declared one-to-one still
     * answer zero or several events on read, that read fails with {@link UpcastingException}.
     */
    static EventUpcaster lazy(EventTransformer transformer) {
        Objects.requireNonNull(transformer, "transformer");
        if (!transformer.isOneToOne()) {
            throw new NotOneToOneTransformerException(transformer);
        }
        return new TransformerUpcaster(transformer);
    }

    /** {@link #of} as a record. */
    record FunctionUpcaster(String type, int fromSchemaVersion, Function<StoredEvent, EventData> function)
            implements EventUpcaster {

        @Override
        public boolean canUpcast(String eventType, int schemaVersion) {
            return type.equals(eventType) && fromSchemaVersion == schemaVersion;
        }

        @Override
        public EventData upcast(StoredEvent event) {
            return function.apply(event);
        }

        @Override
        public String toString() {
            return "EventUpcaster[" + type + " v" + fromSchemaVersion + "]";
        }
    }

    /** {@link #lazy} as a record: a one-to-one transformer answering exactly one event. */
    record TransformerUpcaster(EventTransformer transformer) implements EventUpcaster {

        @Override
        public boolean canUpcast(String type, int schemaVersion) {
            return transformer.canTransform(type, schemaVersion);
        }

        @Override
        public EventData upcast(StoredEvent event) {
            List<EventData> out = transformer.transform(event);
            if (out == null || out.size() != 1) {
                throw new UpcastingException(transformer.toString(), event, "the transformer registered as lazy"
                        + " answered " + (out == null ? 0 : out.size()) + " events for one; a lazy upcaster must"
                        + " answer exactly one (splitting or dropping needs a copy migration)");
            }
            return out.get(0);
        }

        @Override
        public String toString() {
            return "lazy " + transformer;
        }
    }
}
