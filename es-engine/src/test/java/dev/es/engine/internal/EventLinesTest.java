package dev.es.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventLinesTest {

    @Test
    void instantsAreWrittenAsInstantToStringWritesThem() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            String text = EventLines.instant(t);
            assertThat(text).isEqualTo(t.toString());
            assertThat(EventLines.parseInstant(text)).isEqualTo(t);
        }
        for (Instant edge : new Instant[] {Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN, Instant.MAX}) {
            assertThat(EventLines.instant(edge)).isEqualTo(edge.toString());
            assertThat(EventLines.parseInstant(edge.toString())).isEqualTo(edge);
        }
    }

    @Test
    void otherInstantFormsAreParsedAsInstantParseDoes() {
        assertThat(EventLines.parseInstant("2026-11-24T10:15:30.1Z")).isEqualTo(Instant.parse("2026-11-24T10:15:30.1Z"));
        assertThat(EventLines.parseInstant("2026-11-24T10:15:30+01:00"))
                .isEqualTo(Instant.parse("2026-11-24T09:15:30Z"));
        for (String bad : new String[] {"2026-13-24T10:15:30Z", "2026-02-30T10:15:30Z", "2026-11-24T25:15:30Z",
                "2026-11-24T1x:15:30Z", "yesterday"}) {
            assertThatThrownBy(() -> EventLines.parseInstant(bad)).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Test
    void aLineRoundTripsEveryField() {
        StoredEvent event = new StoredEvent("id-\"1\"", "Type\\x", 3, 17, "{\"a\":[1,2,{\"b\":\"c\\n\"}]}",
                Map.of("k\u0001", "v\t"), Instant.parse("2026-11-24T10:15:30.123456Z"));
        byte[] line = EventLines.line(event);
        assertThat(new String(line, StandardCharsets.UTF_8)).startsWith("{\"v\":17,").endsWith("}\n");
        EventLines.Line parsed = EventLines.parse(line, 0, line.length - 1);
        assertThat(parsed.version()).isEqualTo(17);
        assertThat(parsed.event(17)).isEqualTo(event);

        StoredEvent pretty = new StoredEvent("id-2", "T", 1, 1, "{\n  \"a\" : 1\n}", Map.of(), Instant.EPOCH);
        byte[] prettyLine = EventLines.line(pretty);
        assertThat(EventLines.parse(prettyLine, 0, prettyLine.length - 1).event(1)).isEqualTo(pretty);
    }

    @Test
    void aBrokenLineIsAnIllegalStateNamingWhatIsMissing() {
        byte[] noType = "{\"v\":1,\"id\":\"x\",\"sv\":1,\"at\":\"2026-01-01T00:00:00Z\",\"pj\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EventLines.parse(noType, 0, noType.length))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("its type");
        byte[] cut = "{\"v\":1,\"id\":\"x\",\"ty".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EventLines.parse(cut, 0, cut.length))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Not an event line");
    }
}
