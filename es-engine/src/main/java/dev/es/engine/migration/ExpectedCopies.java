package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.transform.EventTransformer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the copy makes of a source event, as the copy makes it ({@link CopyStep}): the transformer's events (or the
 * event as it is when the transformer does not take it), with deterministic ids, the source's time and their
 * provenance in metadata. Verification computes it again without the copy's side effects (no counters, no skipped
 * list), so it compares with exactly what the copy would have written.
 */
final class ExpectedCopies {

    private final EventTransformer transformer;
    private final TransformFailurePolicy failurePolicy;
    private final String sourceName;

    /**
     * @param sourceName the source stream as {@code store/streamId}, the copies' {@code es.migratedFrom}
     */
    ExpectedCopies(EventTransformer transformer, TransformFailurePolicy failurePolicy, String sourceName) {
        this.transformer = transformer;
        this.failurePolicy = failurePolicy;
        this.sourceName = sourceName;
    }

    /** Whether the transformer is the identity: each source event makes exactly one copy. */
    boolean oneToOne() {
        return transformer == EventTransformer.identity();
    }

    /**
     * The copies of {@code event}; none when the transformer drops it or, under {@code SKIP_AND_RECORD}, fails on
     * it.
     *
     * @throws TransformFailed when the transformer fails under {@code FAIL}
     */
    List<EventData> of(StoredEvent event) {
        if (!transformer.canTransform(event.type(), event.schemaVersion())) {
            return List.of(new EventData(event.eventId(), event.type(), event.schemaVersion(), event.payload(),
                    provenance(event.metadata(), sourceName, event.version()), event.recordedAt()));
        }
        List<EventData> produced;
        try {
            produced = transformer.transform(event);
        } catch (RuntimeException e) {
            if (failurePolicy == TransformFailurePolicy.SKIP_AND_RECORD) {
                return List.of();
            }
            throw new TransformFailed(e);
        }
        List<EventData> copies = new ArrayList<>(produced.size());
        for (int i = 0; i < produced.size(); i++) {
            EventData e = produced.get(i);
            copies.add(new EventData(copyId(event.eventId(), i), e.type(), e.schemaVersion(), e.payload(),
                    provenance(e.metadata(), sourceName, event.version()), event.recordedAt()));
        }
        return copies;
    }

    /**
     * The id of the {@code index}-th copy of a source event: the first keeps the source's id (so a writer's retry
     * after an unknown outcome is still recognised on the target), the others get name-based UUIDs derived from it.
     */
    static String copyId(String sourceEventId, int index) {
        return index == 0 ? sourceEventId
                : UUID.nameUUIDFromBytes((sourceEventId + "/" + index).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** {@code metadata} plus where a copy came from: the source stream and the event's version there. */
    static Map<String, String> provenance(Map<String, String> metadata, String sourceName, long sourceVersion) {
        if (metadata.isEmpty()) {
            // the usual case, built once: an immutable map is what EventData keeps without copying it
            return Map.of(CopyStep.MIGRATED_FROM, sourceName, CopyStep.SOURCE_VERSION, Long.toString(sourceVersion));
        }
        Map<String, String> withProvenance = new HashMap<>(metadata.size() + 3);
        withProvenance.putAll(metadata);
        withProvenance.remove(EventData.RECORDED_AT); // the copy's time travels as recordedAt
        withProvenance.put(CopyStep.MIGRATED_FROM, sourceName);
        withProvenance.put(CopyStep.SOURCE_VERSION, Long.toString(sourceVersion));
        return withProvenance;
    }

    /** The transformer failed on an event while verifying (under {@code FAIL}). */
    static final class TransformFailed extends RuntimeException {
        TransformFailed(RuntimeException cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
