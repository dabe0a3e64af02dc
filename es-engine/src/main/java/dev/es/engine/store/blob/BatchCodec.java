package dev.es.engine.store.blob;

import dev.es.engine.event.EventData;
import dev.es.engine.internal.Json;
import dev.es.engine.event.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The bytes of one append in a chunk: one JSON line per event (without its version; see {@link #line}), then a
 * fixed-width trailer line {@code ~<last version, 19 digits>,<event count, 8>,<closed 0|1>,<record bytes, 8>\n}. The trailer lets a
 * writer learn the stream's version, whether it is closed and where the last batch starts from the last
 * {@link #TRAILER_LENGTH} bytes of the last chunk.
 */
final class BatchCodec {

    static final int TRAILER_LENGTH = 41;
    /** The property of a payload written as it is (raw JSON), always the last of its line. */
    private static final String RAW_PAYLOAD = "pj";
    /** The property of a payload written as a JSON string (lines written before raw payloads, and multi-line ones). */
    private static final String STRING_PAYLOAD = "p";

    /** What a trailer says about the batch it ends. */
    record Trailer(long lastVersion, int count, boolean closes, int recordBytes) {
    }

    private BatchCodec() {
    }

    /**
     * One event as its JSON line, newline included: {@code {"id":..,"type":..,"sv":..,"at":..,"md":{..},"pj":<payload>}}
     * with the payload written as it is, last ({@code md} only when there is metadata). A payload holding a line
     * break (pretty-printed JSON) or starting or ending with white space is written as a JSON string under {@code p}
     * instead, the form of every line before raw payloads, so that it reads back unchanged; both forms are read.
     */
    static byte[] line(EventData event, Instant now) {
        return line(event, now.toString());
    }

    /** {@link #line(EventData, Instant)} with the append's time as text, made once for a batch. */
    static byte[] line(EventData event, String nowText) {
        String payload = event.payload();
        StringBuilder line = new StringBuilder(payload.length() + 160);
        line.append("{\"id\":");
        appendString(line, event.eventId());
        line.append(",\"type\":");
        appendString(line, event.type());
        line.append(",\"sv\":").append(event.schemaVersion()).append(",\"at\":\"")
                .append(event.recordedAt() == null ? nowText : event.recordedAt().toString()).append('"');
        if (!event.metadata().isEmpty()) {
            line.append(",\"md\":{");
            boolean first = true;
            for (Map.Entry<String, String> entry : event.metadata().entrySet()) {
                if (!first) {
                    line.append(',');
                }
                first = false;
                appendString(line, entry.getKey());
                line.append(':');
                appendString(line, entry.getValue());
            }
            line.append('}');
        }
        if (writtenRaw(payload)) {
            line.append(",\"" + RAW_PAYLOAD + "\":").append(payload);
        } else {
            line.append(",\"" + STRING_PAYLOAD + "\":");
            appendString(line, payload);
        }
        return line.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code text} as a JSON string: quoted, with quotes, backslashes and control characters escaped. */
    private static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean writtenRaw(String payload) {
        return !payload.isEmpty() && payload.indexOf('\n') < 0 && !Character.isWhitespace(payload.charAt(0))
                && !Character.isWhitespace(payload.charAt(payload.length() - 1));
    }

    /** The whole record: the lines, then the trailer. */
    static byte[] record(List<byte[]> lines, long lastVersion, boolean closes) {
        int size = TRAILER_LENGTH;
        for (byte[] line : lines) {
            size += line.length;
        }
        byte[] record = new byte[size];
        int at = 0;
        for (byte[] line : lines) {
            System.arraycopy(line, 0, record, at, line.length);
            at += line.length;
        }
        byte[] trailer = trailer(new Trailer(lastVersion, lines.size(), closes, size));
        System.arraycopy(trailer, 0, record, at, TRAILER_LENGTH);
        return record;
    }

    static byte[] trailer(Trailer t) {
        String text = String.format("~%019d,%08d,%d,%08d\n", t.lastVersion(), t.count(), t.closes() ? 1 : 0,
                t.recordBytes());
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != TRAILER_LENGTH) {
            throw new IllegalStateException("Trailer is " + bytes.length + " bytes: " + text);
        }
        return bytes;
    }

    static Trailer parseTrailer(byte[] bytes, int offset) {
        String text = new String(bytes, offset, TRAILER_LENGTH, StandardCharsets.US_ASCII);
        if (text.charAt(0) != '~' || text.charAt(TRAILER_LENGTH - 1) != '\n') {
            throw new IllegalStateException("Not a batch trailer: '" + text.strip() + "'");
        }
        String[] parts = text.substring(1, TRAILER_LENGTH - 1).split(",");
        return new Trailer(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), "1".equals(parts[2]),
                Integer.parseInt(parts[3]));
    }

    /** Every event of whole batch records in {@code data}, with its version. */
    static List<StoredEvent> parse(byte[] data, int from, int to) {
        List<StoredEvent> events = new ArrayList<>();
        List<Line> pending = new ArrayList<>();
        int start = from;
        while (start < to) {
            if (data[start] == '~') {
                Trailer t = parseTrailer(data, start);
                long version = t.lastVersion() - pending.size() + 1;
                for (Line line : pending) {
                    events.add(line.event(version++));
                }
                pending.clear();
                start += TRAILER_LENGTH;
                continue;
            }
            int end = start;
            while (end < to && data[end] != '\n') {
                end++;
            }
            pending.add(parseLine(data, start, end));
            start = end + 1;
        }
        return events;
    }

    /** An event's line, read: everything but its version, which the batch's trailer gives. */
    private record Line(String id, String type, int schemaVersion, String at, Map<String, String> metadata,
                        String payload) {

        StoredEvent event(long version) {
            return new StoredEvent(id, type, schemaVersion, version, payload, metadata, Instant.parse(at));
        }
    }

    /** The line in {@code data} from {@code start} to {@code end} (its newline), in either payload form. */
    private static Line parseLine(byte[] data, int start, int end) {
        String id = null;
        String type = null;
        int schemaVersion = 0;
        String at = null;
        Map<String, String> metadata = Map.of();
        String payload = null;
        try (JsonParser p = Json.mapper().createParser(data, start, end - start)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("Not an event line at byte " + start);
            }
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> id = p.getString();
                    case "type" -> type = p.getString();
                    case "sv" -> schemaVersion = p.getIntValue();
                    case "at" -> at = p.getString();
                    case "md" -> metadata = metadata(p);
                    case STRING_PAYLOAD -> payload = p.getString();
                    case RAW_PAYLOAD -> {
                        // the payload's own bytes: from its first token to the line's closing brace, which follows
                        // it directly (it is written last)
                        int from = start + (int) p.currentTokenLocation().getByteOffset();
                        if (value.isStructStart()) {
                            p.skipChildren();
                        }
                        int to = end - 1;
                        if (data[to] != '}' || p.nextToken() != JsonToken.END_OBJECT) {
                            throw new IllegalStateException("The raw payload of the event line at byte " + start
                                    + " is not its last property");
                        }
                        payload = new String(data, from, to - from, StandardCharsets.UTF_8);
                        return new Line(id, type, schemaVersion, at, metadata, payload);
                    }
                    default -> p.skipChildren();
                }
            }
        }
        return new Line(id, type, schemaVersion, at, metadata, payload);
    }

    private static Map<String, String> metadata(JsonParser p) {
        Map<String, String> metadata = new HashMap<>();
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            metadata.put(key, p.getString());
        }
        return metadata;
    }
}
