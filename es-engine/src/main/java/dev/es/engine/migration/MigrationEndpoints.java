package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a migration goes, from its definition and its object's document: its source and target streams, checked
 * against the configured stores, and the dry run that measures it.
 */
final class MigrationEndpoints {

    private static final Pattern VERSIONED = Pattern.compile("(.*)-v(\\d+)");

    private final EventStreams streams;

    MigrationEndpoints(EventStreams streams) {
        this.streams = streams;
    }

    /** The dry run: what the migration would copy and transform, measured by reading the source, writing nothing. */
    MigrationPlan plan(MigrationDefinition definition) {
        StreamPointer source = source(definition);
        StreamPointer target = target(definition, source);
        EventStore store = streams.stores().get(source.store());
        streams.stores().get(target.store());
        long[] counts = new long[3];
        boolean[] closed = {false};
        long started = System.nanoTime();
        try (var events = store.stream(source.streamId(), 1, streams.settings().chunkSize())) {
            events.forEach((StoredEvent e) -> {
                if (e.isCloseEvent()) {
                    closed[0] = true;
                    return;
                }
                counts[0]++;
                counts[1] += e.payload().getBytes(StandardCharsets.UTF_8).length;
                e.metadata().forEach((k, v) -> counts[1] += k.length() + v.length());
                if (definition.transformer().canTransform(e.type(), e.schemaVersion())) {
                    counts[2]++;
                }
            });
        }
        Duration read = Duration.ofNanos(System.nanoTime() - started);
        double perSecond = counts[0] == 0 ? 0 : counts[0] / Math.max(1e-9, read.toNanos() / 1e9);
        return new MigrationPlan(definition.objectName(), definition.objectId(), source, target, counts[0], counts[1],
                counts[2], perSecond, read.multipliedBy(2), closed[0]);
    }

    /** The stream the migration moves: the document's active stream unless the definition names another. */
    StreamPointer source(MigrationDefinition definition) {
        ObjectDocument document = streams.documents().get(definition.objectName(), definition.objectId())
                .orElseThrow(() -> new MigrationException("-", "no document for " + definition.objectName() + "/"
                        + definition.objectId()));
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
