package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.stream.EventStreams;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a migration goes, from its definition and its object's document: its source and target streams, checked
 * against the configured stores (the dry run that measures it is {@link DryRun}).
 */
final class MigrationEndpoints {

    private static final Pattern VERSIONED = Pattern.compile("(.*)-v(\\d+)");

    private final EventStreams streams;

    MigrationEndpoints(EventStreams streams) {
        this.streams = streams;
    }

    /** The stream the migration moves: the document's active stream unless the definition names another. */
    StreamPointer source(MigrationDefinition definition) {
        return source(definition, streams.documents().get(definition.objectName(), definition.objectId()));
    }

    /** {@link #source(MigrationDefinition)} from the object's document as it was just read. */
    StreamPointer source(MigrationDefinition definition, Optional<ObjectDocument> read) {
        ObjectDocument document = read.orElseThrow(() -> new MigrationException("-", "no document for "
                + definition.objectName() + "/" + definition.objectId()));
        StreamPointer active = document.active();
        if (definition.sourceStreamId() == null) {
            return active;
        }
        String store = definition.sourceStore() != null ? definition.sourceStore()
                : definition.sourceStreamId().equals(active.streamId()) ? active.store()
                : document.terminatedStreams().stream().filter(t -> t.streamId().equals(definition.sourceStreamId()))
                        .map(t -> t.store()).findFirst().orElse(active.store());
        StreamPointer source = new StreamPointer(definition.sourceStreamId(), store);
        streams.stores().get(store);
        return source;
    }

    /** The stream it moves to: the one named, or the source's id one version on, in the named or the source's store. */
    StreamPointer target(MigrationDefinition definition, StreamPointer source) {
        String store = definition.targetStore() != null ? definition.targetStore() : source.store();
        streams.stores().get(store);
        String streamId = definition.targetStreamId() != null ? definition.targetStreamId()
                : nextStreamId(source.streamId());
        StreamPointer target = new StreamPointer(streamId, store);
        if (target.equals(source)) {
            throw new MigrationException("-", "source and target are the same stream " + source);
        }
        return target;
    }

    /** {@code order-42} becomes {@code order-42-v2}, {@code order-42-v2} becomes {@code order-42-v3}. */
    static String nextStreamId(String streamId) {
        Matcher m = VERSIONED.matcher(streamId);
        if (m.matches()) {
            return m.group(1) + "-v" + (Long.parseLong(m.group(2)) + 1);
        }
        return streamId + "-v2";
    }
}
