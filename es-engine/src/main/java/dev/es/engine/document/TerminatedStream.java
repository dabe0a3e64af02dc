package dev.es.engine.document;

import dev.es.engine.Identifiers;
import java.time.Instant;

/**
 * A stream an object used before: closed, with the continuation writers were sent to.
 *
 * @param lastVersion the stream's version before its close event
 */
public record TerminatedStream(String streamId, String store, String reason, String continuationStreamId,
                               String continuationStore, long lastVersion, Instant terminatedAt) {

    public TerminatedStream {
        Identifiers.requireStreamId(streamId);
        Identifiers.requireStoreName(store);
    }

    public StreamPointer pointer() {
        return new StreamPointer(streamId, store);
    }
}
