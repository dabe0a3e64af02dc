package dev.es.engine.transform;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** A transformer for one event type (and optionally one schema version) given as a function. */
public final class FunctionTransformer implements EventTransformer {

    private final String type;
    private final int schemaVersion;
    private final Function<StoredEvent, List<EventData>> function;
    private final boolean oneToOne;

    private FunctionTransformer(String type, int schemaVersion, Function<StoredEvent, List<EventData>> function,
                                boolean oneToOne) {
        this.oneToOne = oneToOne;
        this.type = Objects.requireNonNull(type, "type");
        this.schemaVersion = schemaVersion;
        this.function = Objects.requireNonNull(function, "function");
    }

    /** Maps every event of {@code type} (any schema version) to one event. */
    public static FunctionTransformer of(String type, Function<StoredEvent, EventData> function) {
        return new FunctionTransformer(type, 0, e -> List.of(function.apply(e)), true);
    }

    /**
     * Maps events of {@code type} in {@code schemaVersion} to exactly one event: a one-to-one transformer, usable
     * as a lazy upcaster ({@link EventUpcaster#lazy(EventTransformer)}); the same as {@link #upcast}.
     */
    public static FunctionTransformer oneToOne(String type, int schemaVersion, Function<StoredEvent, EventData> function) {
        return upcast(type, schemaVersion, function);
    }

    /** Maps events of {@code type} in {@code schemaVersion} to one event: an upcaster. */
    public static FunctionTransformer upcast(String type, int schemaVersion, Function<StoredEvent, EventData> function) {
        return new FunctionTransformer(type, schemaVersion, e -> List.of(function.apply(e)), true);
    }

    /** Maps every event of {@code type} to zero, one or many events. */
    public static FunctionTransformer many(String type, Function<StoredEvent, List<EventData>> function) {
        return new FunctionTransformer(type, 0, function, false);
    }

    /** True for {@link #of}, {@link #upcast} and {@link #oneToOne}; false for {@link #many}. */
    @Override
    public boolean isOneToOne() {
        return oneToOne;
    }

    @Override
    public String toString() {
        return "FunctionTransformer[" + type + (schemaVersion == 0 ? "" : " v" + schemaVersion)
                + (oneToOne ? "" : ", many") + "]";
    }

    @Override
    public boolean canTransform(String eventType, int eventSchemaVersion) {
        return type.equals(eventType) && (schemaVersion == 0 || schemaVersion == eventSchemaVersion);
    }

    @Override
    public List<EventData> transform(StoredEvent event) {
        List<EventData> out = function.apply(event);
        return out == null ? List.of() : out;
    }
}
