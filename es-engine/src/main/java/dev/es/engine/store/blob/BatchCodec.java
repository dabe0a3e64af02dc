package dev.es.engine.store.blob;

import dev.es.engine.event.EventData;
import dev.es.engine.internal.EventLines;
import dev.es.engine.event.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one append in a chunk: one JSON line per event (without its version; see {@link #line}), then a
 * fixed-width trailer line {@code ~<last version, 19 digits>,<event count, 8>,<closed 0|1>,<record bytes, 8>\n}. The trailer lets a
 * writer learn the stream's version, whether it is closed and where the last batch starts from the last
 * {@link #TRAILER_LENGTH} bytes of the last chunk.
 */
final class BatchCodec {

    static final int TRAILER_LENGTH = 41;

    /** What a trailer says about the batch it ends. */
    record Trailer(long lastVersion, int count, boolean closes, int recordBytes) {
    }

    private BatchCodec() {
    }

    /** One event as its line (see {@link EventLines}), without a version, at the append's time when it has none. */
    static byte[] line(EventData event, Instant now) {
        return line(event, EventLines.instant(now));
    }

    /** {@link #line(EventData, Instant)} with the append's time as text, made once for a batch. */
    static byte[] line(EventData event, String nowText) {
        return EventLines.line(0, event.eventId(), event.type(), event.schemaVersion(),
                event.recordedAt() == null ? nowText : EventLines.instant(event.recordedAt()), event.metadata(),
                event.payload());
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
        List<EventLines.Line> pending = new ArrayList<>();
        int start = from;
        while (start < to) {
            if (data[start] == '~') {
                Trailer t = parseTrailer(data, start);
                long version = t.lastVersion() - pending.size() + 1;
                for (EventLines.Line line : pending) {
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
            pending.add(EventLines.parse(data, start, end));
            start = end + 1;
        }
        return events;
    }
}
