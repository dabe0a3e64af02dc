package dev.es.engine.internal;

import dev.es.engine.document.TerminatedStream;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link TerminatedStream} as a JSON object, the one form the jdbc document store and backup manifests share.
 * Book closing's fields are written only when set, so entries without them look as they always did, and read as
 * {@code null} when absent.
 */
public final class TerminatedStreamJson {

    private TerminatedStreamJson() {
    }

    /** Writes {@code t} into {@code node}. */
    public static void write(ObjectNode node, TerminatedStream t) {
        node.put("streamId", t.streamId());
        node.put("store", t.store());
        node.put("reason", t.reason());
        node.put("continuationStreamId", t.continuationStreamId());
        node.put("continuationStore", t.continuationStore());
        node.put("lastVersion", t.lastVersion());
        node.put("terminatedAt", t.terminatedAt() == null ? null : t.terminatedAt().toString());
        if (t.archiveStreamId() != null) {
            node.put("archiveStreamId", t.archiveStreamId());
            node.put("archiveStore", t.archiveStore());
        }
        if (t.deletedAt() != null) {
            node.put("deletedAt", t.deletedAt().toString());
        }
    }

    /** The terminated stream {@code node} holds. */
    public static TerminatedStream read(JsonNode node) {
        return new TerminatedStream(text(node, "streamId"), text(node, "store"), text(node, "reason"),
                text(node, "continuationStreamId"), text(node, "continuationStore"),
                node.path("lastVersion").asLong(0), instant(node, "terminatedAt"), text(node, "archiveStreamId"),
                text(node, "archiveStore"), instant(node, "deletedAt"));
    }

    private static @Nullable String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asString() : null;
    }

    private static @Nullable Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : Instant.parse(text);
    }
}
