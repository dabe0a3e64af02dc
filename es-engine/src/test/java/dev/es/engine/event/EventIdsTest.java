package dev.es.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void anIdIsAVersion7UuidCarryingItsMillisecond() {
        long millis = 1_795_000_000_123L;
        UUID id = EventIds.next(millis);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsText() {
        String earlier = EventIds.next(1_795_000_000_000L).toString();
        String later = EventIds.next(1_795_000_000_001L).toString();
        String muchLater = EventIds.next(1_895_000_000_000L).toString();

        assertThat(earlier).isLessThan(later);
        assertThat(later).isLessThan(muchLater);
    }

    @Test
    void idsOfOneMillisecondDoNotRepeat() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            assertThat(ids.add(EventIds.next(1_795_000_000_000L))).isTrue();
        }
    }

    @Test
    void anEventWithoutAnIdGetsOne() {
        EventData event = new EventData(null, "Thing", 1, "{}", Map.of());

        assertThat(UUID.fromString(event.eventId()).version()).isEqualTo(7);
        assertThat(new EventData(" ", "Thing", 1, "{}", Map.of()).eventId()).hasSize(36);
    }
}
