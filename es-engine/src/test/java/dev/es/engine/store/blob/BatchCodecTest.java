package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.internal.Json;
import dev.es.engine.event.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chunk format: payloads written raw read back unchanged, and lines written before raw payloads still read. */
class BatchCodecTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:15:30.123456Z");

    private static final List<String> PAYLOADS = List.of(
            "{\"orderId\":\"o-1\",\"total\":45.23,\"lines\":[{\"sku\":\"A\",\"qty\":2}]}",
            "{\"text\":\"braces } { and \\\"quotes\\\" and \\\\ and \\u00e9\\u4e2d \\n escaped\",\"pj\":1}",
            "[1,2,{\"a\":[]}]", "\"just a string\"", "42", "-1.5e3", "null", "true", "{}", "[]",
            "{ \"spaced\" : [ 1 , 2 ] }",
            "{\n  \"pretty\": true,\n  \"lines\": [1, 2]\n}",
            "  {\"leading\":\"white space\"}", "{\"trailing\":\"white space\"}  ",
            "{\"\u00e9\u4e2d\":\"\u00e9\u4e2d \ud83d\ude00\"}");

    @Test
    void everyPayloadReadsBackAsItWasWrittenWithItsEvent() {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < PAYLOADS.size(); i++) {
            Map<String, String> metadata = i % 2 == 0 ? Map.of() : Map.of("k\"ey", "va}l\nue", "es.n", "" + i);
            events.add(new EventData("id-" + i, "Type" + i, i + 1, PAYLOADS.get(i), metadata, AT.plusSeconds(i)));
        }

        List<StoredEvent> read = roundTrip(events, 100);

        assertThat(read).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            EventData written = events.get(i);
            StoredEvent event = read.get(i);
            assertThat(event.payload()).as("payload %d", i).isEqualTo(written.payload());
            assertThat(event.eventId()).isEqualTo(written.eventId());
            assertThat(event.type()).isEqualTo(written.type());
            assertThat(event.schemaVersion()).isEqualTo(written.schemaVersion());
            assertThat(event.metadata()).isEqualTo(written.metadata());
            assertThat(event.recordedAt()).isEqualTo(written.recordedAt());
            assertThat(event.version()).isEqualTo(100 - events.size() + 1 + i);
        }
    }

    @Test
    void aPayloadWithoutLineBreaksOrOuterWhiteSpaceIsWrittenRawLastAndOthersAsAString() {
        String raw = line(new EventData("a", "T", 1, PAYLOADS.get(0), Map.of("m", "1"), AT));
        String pretty = line(new EventData("b", "T", 1, PAYLOADS.get(11), Map.of(), AT));

        assertThat(raw).endsWith(",\"pj\":" + PAYLOADS.get(0) + "}\n").doesNotContain("\\\"orderId");
        assertThat(pretty).contains("\"p\":\"{\\n").doesNotContain("\"pj\"");
        assertThat(pretty.indexOf('\n')).isEqualTo(pretty.length() - 1);
    }

    @Test
    void linesWrittenBeforeRawPayloadsStillRead() {
        // the form of every line before raw payloads: the whole event as a Jackson map, the payload a JSON string
        StringBuilder old = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", "old-" + i);
            body.put("type", "Old");
            body.put("sv", 2);
            body.put("at", AT.toString());
            body.put("md", Map.of("n", "" + i));
            body.put("p", PAYLOADS.get(i));
            old.append(Json.mapper().writeValueAsString(body)).append('\n');
        }
        byte[] lines = old.toString().getBytes(StandardCharsets.UTF_8);
        byte[] trailer = BatchCodec.trailer(new BatchCodec.Trailer(7, 3, false,
                lines.length + BatchCodec.TRAILER_LENGTH));
        byte[] record = new byte[lines.length + trailer.length];
        System.arraycopy(lines, 0, record, 0, lines.length);
        System.arraycopy(trailer, 0, record, lines.length, trailer.length);
        // followed by a batch in today's form, as a chunk that was appended to after an upgrade
        byte[] next = BatchCodec.record(List.of(BatchCodec.line(new EventData("new", "New", 1, "{\"x\":1}",
                Map.of(), AT), AT)), 8, false);
        byte[] chunk = new byte[record.length + next.length];
        System.arraycopy(record, 0, chunk, 0, record.length);
        System.arraycopy(next, 0, chunk, record.length, next.length);

        List<StoredEvent> read = BatchCodec.parse(chunk, 0, chunk.length);

        assertThat(read).extracting(StoredEvent::eventId).containsExactly("old-0", "old-1", "old-2", "new");
        assertThat(read).extracting(StoredEvent::version).containsExactly(5L, 6L, 7L, 8L);
        for (int i = 0; i < 3; i++) {
            assertThat(read.get(i).payload()).isEqualTo(PAYLOADS.get(i));
            assertThat(read.get(i).metadata()).containsEntry("n", "" + i);
        }
        assertThat(read.get(3).payload()).isEqualTo("{\"x\":1}");
    }

    @Test
    void aRecordReadFromTheMiddleOfABufferReadsTheSame() {
        List<EventData> events = List.of(new EventData("m1", "T", 1, PAYLOADS.get(1), Map.of(), AT),
                new EventData("m2", "T", 1, PAYLOADS.get(2), Map.of("a", "b"), AT));
        List<byte[]> lines = new ArrayList<>();
        for (EventData event : events) {
            lines.add(BatchCodec.line(event, AT));
        }
        byte[] record = BatchCodec.record(lines, 2, false);
        byte[] buffer = new byte[record.length + 37];
        System.arraycopy(record, 0, buffer, 30, record.length);

        List<StoredEvent> read = BatchCodec.parse(buffer, 30, 30 + record.length);

        assertThat(read).extracting(StoredEvent::payload).containsExactly(PAYLOADS.get(1), PAYLOADS.get(2));
    }

    private static String line(EventData event) {
        return new String(BatchCodec.line(event, AT), StandardCharsets.UTF_8);
    }

    private static List<StoredEvent> roundTrip(List<EventData> events, long lastVersion) {
        List<byte[]> lines = new ArrayList<>();
        for (EventData event : events) {
            lines.add(BatchCodec.line(event, AT));
        }
        byte[] record = BatchCodec.record(lines, lastVersion, false);
        return BatchCodec.parse(record, 0, record.length);
    }
}
