package dev.es.engine.backup;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.internal.Json;
import dev.es.engine.internal.TerminatedStreamJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The manifest of a backup, format version {@value #FORMAT_VERSION}: a JSON object naming the format and its
 * version first, so that a reader can refuse a version it does not know before reading anything else. Written by
 * hand field by field, so that the format does not change when a record gains a component.
 */
final class Manifests {

    /** The name of the manifest part. */
    static final String PART = "manifest.json";
    /** The format's name, the manifest's first property. */
    static final String FORMAT = "es-backup";
    /** The version this code writes and reads. */
    static final int FORMAT_VERSION = 1;

    private Manifests() {
    }

    /** The event part of the {@code index}-th stream. */
    static String eventPart(int index, boolean compressed) {
        return "stream-" + index + (compressed ? ".jsonl.gz" : ".jsonl");
    }

    static byte[] write(BackupDescriptor d) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", d.formatVersion());
        root.put("backupId", d.backupId());
        root.put("objectName", d.objectName());
        root.put("objectId", d.objectId());
        root.put("createdAt", d.createdAt().toString());
        root.put("compressed", d.compressed());
        root.put("eventCount", d.eventCount());
        root.put("byteSize", d.byteSize());
        root.put("sha256", d.sha256());
        ArrayNode streams = root.putArray("streams");
        for (BackupStream s : d.streams()) {
            ObjectNode node = streams.addObject();
            node.put("streamId", s.streamId());
            node.put("store", s.store());
            node.put("part", s.part());
            node.put("firstVersion", s.firstVersion());
            node.put("lastVersion", s.lastVersion());
            node.put("eventCount", s.eventCount());
            node.put("byteSize", s.byteSize());
            node.put("sha256", s.sha256());
            if (s.terminated() != null) {
                TerminatedStreamJson.write(node.putObject("terminated"), s.terminated());
            }
        }
        if (d.document() != null) {
            ObjectDocument doc = d.document();
            ObjectNode node = root.putObject("document");
            node.put("objectName", doc.objectName());
            node.put("objectId", doc.objectId());
            node.put("activeStreamId", doc.active().streamId());
            node.put("activeStore", doc.active().store());
            ArrayNode terminated = node.putArray("terminatedStreams");
            doc.terminatedStreams().forEach(t -> TerminatedStreamJson.write(terminated.addObject(), t));
            strings(node.putObject("tags"), doc.tags());
            if (doc.etag() != null) {
                node.put("etag", doc.etag());
            }
        }
        strings(root.putObject("tags"), d.tags());
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * The manifest in {@code bytes}, stored in {@code provider}.
     *
     * @throws CorruptBackupException naming {@link BackupProblem.Kind#UNKNOWN_FORMAT_VERSION} or
     *                                {@link BackupProblem.Kind#MANIFEST_UNREADABLE}
     */
    static BackupDescriptor read(String backupId, String provider, byte[] bytes) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (RuntimeException e) {
            throw unreadable(backupId, "not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asString(null))) {
            throw unreadable(backupId, "not an " + FORMAT + " manifest");
        }
        JsonNode version = root.path("formatVersion");
        if (!version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new CorruptBackupException(backupId, List.of(new BackupProblem(
                    BackupProblem.Kind.UNKNOWN_FORMAT_VERSION, PART, "format version " + version
                    + " is not one this code reads (" + FORMAT_VERSION + ")")));
        }
        try {
            String id = text(root, "backupId");
            if (!id.equals(backupId)) {
                throw unreadable(backupId, "it names backup '" + id + "'");
            }
            List<BackupStream> streams = new ArrayList<>();
            for (JsonNode node : root.path("streams")) {
                JsonNode t = node.get("terminated");
                streams.add(new BackupStream(text(node, "streamId"), text(node, "store"),
                        t == null || t.isNull() ? null : terminated(t), BackupIds.requirePart(text(node, "part")),
                        number(node, "firstVersion"), number(node, "lastVersion"), number(node, "eventCount"),
                        number(node, "byteSize"), text(node, "sha256")));
            }
            if (streams.isEmpty()) {
                throw unreadable(backupId, "it lists no stream");
            }
            ObjectDocument document = null;
            JsonNode doc = root.get("document");
            if (doc != null && !doc.isNull()) {
                List<TerminatedStream> terminated = new ArrayList<>();
                for (JsonNode t : doc.path("terminatedStreams")) {
                    terminated.add(terminated(t));
                }
                document = new ObjectDocument(text(doc, "objectName"), text(doc, "objectId"),
                        new StreamPointer(text(doc, "activeStreamId"), text(doc, "activeStore")), terminated,
                        strings(doc.path("tags")), doc.path("etag").asString(null));
            }
            return new BackupDescriptor(backupId, provider, FORMAT_VERSION, text(root, "objectName"),
                    text(root, "objectId"), Instant.parse(text(root, "createdAt")), root.path("compressed").asBoolean(),
                    streams, number(root, "eventCount"), number(root, "byteSize"), text(root, "sha256"), document,
                    strings(root.path("tags")));
        } catch (CorruptBackupException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(backupId, e.getMessage());
        }
    }

    private static CorruptBackupException unreadable(String backupId, @Nullable String why) {
        return new CorruptBackupException(backupId, List.of(new BackupProblem(BackupProblem.Kind.MANIFEST_UNREADABLE,
                PART, "the manifest cannot be read: " + why)));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static TerminatedStream terminated(JsonNode node) {
        number(node, "lastVersion"); // a manifest names it: one without it is unreadable
        return TerminatedStreamJson.read(node);
    }

    private static void strings(ObjectNode node, Map<String, String> values) {
        values.forEach(node::put);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> values = new LinkedHashMap<>();
        node.properties().forEach(e -> values.put(e.getKey(), e.getValue().asString()));
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalStateException("'" + field + "' is missing or not text");
        }
        return value.asString();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || value.longValue() < 0) {
            throw new IllegalStateException("'" + field + "' is missing or not a count");
        }
        return value.longValue();
    }
}
