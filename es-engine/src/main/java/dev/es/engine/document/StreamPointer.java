package dev.es.engine.document;

import dev.es.engine.Identifiers;

/** Where a stream lives: its id and the name of the event store holding it. */
public record StreamPointer(String streamId, String store) {

    public StreamPointer {
        Identifiers.requireStreamId(streamId);
        Identifiers.requireStoreName(store);
    }

    @Override
    public String toString() {
        return store + "/" + streamId;
    }
}
