package dev.es.engine.internal;

import dev.es.engine.event.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * One event as one JSON line, the form the blob store's chunks and the backup format share:
 * {@code {"v":..,"id":..,"type":..,"sv":..,"at":..,"md":{..},"pj":<payload>}} with the payload written as it is,
 * last ({@code v} only when a version is given, {@code md} only when there is metadata). A payload holding a line
 * break (pretty-printed JSON) or starting or ending with white space is written as a JSON string under {@code p}
 * instead, so that it reads back unchanged; both forms are read. Built and parsed by hand: this is the hot path of
 * blob appends and of backups.
 */
public final class EventLines {

    /** The property of a payload written as it is (raw JSON), always the last of its line. */
    private static final String RAW_PAYLOAD = "pj";
    /** The property of a payload written as a JSON string (multi-line payloads, and blob lines of old). */
    private static final String STRING_PAYLOAD = "p";

    private EventLines() {
    }

    /**
     * An event's line, read.
     *
     * @param version the line's version, 0 when it carries none
     */
    public record Line(long version, String id, String type, int schemaVersion, String at,
                       Map<String, String> metadata, String payload) {

        /** The event this line holds, at {@code atVersion}. */
        public StoredEvent event(long atVersion) {
            return new StoredEvent(id, type, schemaVersion, atVersion, payload, metadata, parseInstant(at));
        }
    }

    /** The line of {@code event} with its version, newline included. */
    public static byte[] line(StoredEvent event) {
        return line(event.version(), event.eventId(), event.type(), event.schemaVersion(),
                instant(event.recordedAt()), event.metadata(), event.payload());
    }

    /** Seconds of 10000-01-01T00:00:00Z: instants before it (and from 1970) are written by hand. */
    private static final long YEAR_10000 = 253402300800L;

    /**
     * {@code t} as {@link Instant#toString()} writes it ({@code 2026-11-24T10:15:30.123Z}: the fraction in groups of
     * three digits, none when zero), without the formatter's cost for the instants events have.
     */
    public static String instant(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return t.toString();
        }
        int nanos = t.getNano();
        LocalDate date = LocalDate.ofEpochDay(seconds / 86_400);
        int secondOfDay = (int) (seconds % 86_400);
        char[] out = new char[30];
        int at = digits(out, 0, date.getYear(), 4);
        out[at++] = '-';
        at = digits(out, at, date.getMonthValue(), 2);
        out[at++] = '-';
        at = digits(out, at, date.getDayOfMonth(), 2);
        out[at++] = 'T';
        at = digits(out, at, secondOfDay / 3600, 2);
        out[at++] = ':';
        at = digits(out, at, secondOfDay / 60 % 60, 2);
        out[at++] = ':';
        at = digits(out, at, secondOfDay % 60, 2);
        if (nanos > 0) {
            out[at++] = '.';
            if (nanos % 1_000_000 == 0) {
                at = digits(out, at, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                at = digits(out, at, nanos / 1000, 6);
            } else {
                at = digits(out, at, nanos, 9);
            }
        }
        out[at++] = 'Z';
        return new String(out, 0, at);
    }

    private static int digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /**
     * The instant {@code text} names, as {@link Instant#parse} reads it; the form {@link #instant} writes is read by
     * hand, any other through {@link Instant#parse}.
     */
    public static Instant parseInstant(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
            return Instant.parse(text);
        }
        int fraction = length - 20; // digits and the point, or nothing
        if (fraction != 0 && (text.charAt(19) != '.' || (fraction != 4 && fraction != 7 && fraction != 10))) {
            return Instant.parse(text);
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int nanos = 0;
        if (fraction != 0) {
            int digits = fraction - 1;
            nanos = number(text, 20, digits);
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || nanos < 0) {
            return Instant.parse(text);
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
        } catch (java.time.DateTimeException e) {
            return Instant.parse(text);
        }
    }

    /** The decimal number of {@code width} digits at {@code from}, or -1 when one is not a digit. */
    private static int number(String text, int from, int width) {
        int value = 0;
        for (int i = from; i < from + width; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** A line, newline included; {@code version} 0 leaves the version out. */
    public static byte[] line(long version, String id, String type, int schemaVersion, String at,
                              Map<String, String> metadata, String payload) {
        StringBuilder line = new StringBuilder(payload.length() + 160);
        line.append('{');
        if (version > 0) {
            line.append("\"v\":").append(version).append(',');
        }
        line.append("\"id\":");
        appendString(line, id);
        line.append(",\"type\":");
        appendString(line, type);
        line.append(",\"sv\":").append(schemaVersion).append(",\"at\":\"").append(at).append('"');
        if (!metadata.isEmpty()) {
            line.append(",\"md\":{");
            boolean first = true;
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
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

    private static boolean writtenRaw(String payload) {
        return !payload.isEmpty() && payload.indexOf('\n') < 0 && !Character.isWhitespace(payload.charAt(0))
                && !Character.isWhitespace(payload.charAt(payload.length() - 1));
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

    /**
     * The line in {@code data} from {@code start} to {@code end} (its newline, excluded), in either payload form.
     *
     * @throws IllegalStateException when it is not a whole event line
     */
    public static Line parse(byte[] data, int start, int end) {
        long version = 0;
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
                    case "v" -> version = p.getLongValue();
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
                        if (to < from || data[to] != '}' || p.nextToken() != JsonToken.END_OBJECT) {
                            throw new IllegalStateException("The raw payload of the event line at byte " + start
                                    + " is not its last property");
                        }
                        payload = new String(data, from, to - from, StandardCharsets.UTF_8);
                        return line(start, version, id, type, schemaVersion, at, metadata, payload);
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalStateException("Not an event line at byte " + start + ": " + e.getOriginalMessage(), e);
        }
        return line(start, version, id, type, schemaVersion, at, metadata, payload);
    }

    private static Line line(int start, long version, @Nullable String id, @Nullable String type, int schemaVersion,
                             @Nullable String at, Map<String, String> metadata, @Nullable String payload) {
        if (id == null || type == null || at == null || payload == null) {
            throw new IllegalStateException("The event line at byte " + start + " lacks "
                    + (id == null ? "its id" : type == null ? "its type" : at == null ? "its time" : "its payload"));
        }
        return new Line(version, id, type, schemaVersion, at, metadata, payload);
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
