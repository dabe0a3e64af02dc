package dev.es.engine.transform;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Builds a {@link CompositeTransformer} step by step. */
public final class TransformationPipeline {

    private TransformationPipeline() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the stages of a pipeline. */
    public static final class Builder {

        private final List<EventTransformer> stages = new ArrayList<>();

        private Builder() {
        }

        public Builder add(EventTransformer transformer) {
            stages.add(java.util.Objects.requireNonNull(transformer, "transformer"));
            return this;
        }

        /** Adds an upcaster of {@code type} from {@code schemaVersion}. */
        public Builder upcast(String type, int schemaVersion, Function<StoredEvent, EventData> function) {
            return add(FunctionTransformer.upcast(type, schemaVersion, function));
        }

        /** Adds a stage that drops every event of {@code type}. */
        public Builder drop(String type) {
            return add(FunctionTransformer.many(type, e -> List.of()));
        }

        public EventTransformer build() {
            return stages.isEmpty() ? EventTransformer.identity() : new CompositeTransformer(stages);
        }
    }
}
