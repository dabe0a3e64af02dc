package dev.es.engine.transform;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Transformers applied in order, each to every result of the one before: v1 -> v2 by the first, v2 -> v3 by the
 * second, and so on.
 */
public final class CompositeTransformer implements EventTransformer {

    private final List<EventTransformer> stages;

    public CompositeTransformer(List<EventTransformer> stages) {
        this.stages = List.copyOf(stages);
    }

    @Override
    public boolean canTransform(String type, int schemaVersion) {
        return stages.stream().anyMatch(s -> s.canTransform(type, schemaVersion));
    }

    /** One-to-one when every stage is. */
    @Override
    public boolean isOneToOne() {
        return stages.stream().allMatch(EventTransformer::isOneToOne);
    }

    @Override
    public String toString() {
        return "CompositeTransformer" + stages;
    }

    @Override
    public List<EventData> transform(StoredEvent event) {
        List<StoredEvent> current = List.of(event);
        for (EventTransformer stage : stages) {
            List<StoredEvent> next = new ArrayList<>();
            for (StoredEvent e : current) {
                if (!stage.canTransform(e.type(), e.schemaVersion())) {
                    next.add(e);
                    continue;
                }
                for (EventData out : stage.transform(e)) {
                    next.add(new StoredEvent(out.eventId(), out.type(), out.schemaVersion(), e.version(),
                            out.payload(), out.metadata(), e.recordedAt()));
                }
            }
            current = next;
        }
        return current.stream().map(StoredEvent::toEventData).toList();
    }
}
