package dev.es.engine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSerializerTest {

    record Placed(String customer, int lines) {
    }

    record PlacedV2(String customerName, int lines) {
    }

    private final EventSerializer serializer = new EventSerializer()
            .register(Placed.class, "OrderPlaced")
            .register(PlacedV2.class, "OrderPlaced", 2);

    private static StoredEvent stored(EventData data) {
        return new StoredEvent(data.eventId(), data.type(), data.schemaVersion(), 1, data.payload(), data.metadata(),
                Instant.now());
    }

    @Test
    void roundTripsWithTypeNameAndSchemaVersion() {
        EventData data = serializer.serialize(new PlacedV2("ada", 3), Map.of("by", "test"));
        assertThat(data.type()).isEqualTo("OrderPlaced");
        assertThat(data.schemaVersion()).isEqualTo(2);
        assertThat(data.metadata()).containsEntry("by", "test");
        assertThat(serializer.deserialize(stored(data))).isEqualTo(new PlacedV2("ada", 3));
        assertThat(serializer.deserialize(stored(serializer.serialize(new Placed("bob", 1)))))
                .isEqualTo(new Placed("bob", 1));
    }

    @Test
    void unknownTypesAreTypedErrorsNamingTheType() {
        EventData data = EventData.of("Mystery", "{}");
        assertThatThrownBy(() -> serializer.deserialize(stored(data)))
                .isInstanceOfSatisfying(UnknownEventTypeException.class, e -> {
                    assertThat(e.type()).isEqualTo("Mystery");
                    assertThat(e.getMessage()).contains("Mystery");
                });
        EventData v3 = new EventData(null, "OrderPlaced", 3, "{}", null);
        assertThatThrownBy(() -> serializer.deserialize(stored(v3))).isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("v3");
        assertThatThrownBy(() -> serializer.serialize("a string")).isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void payloadThatDoesNotFitTheClassIsATypedError() {
        EventData data = new EventData(null, "OrderPlaced", 1, "{\"lines\":\"many\"}", null);
        assertThatThrownBy(() -> serializer.deserialize(stored(data))).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("OrderPlaced");
    }

    @Test
    void aPayloadThatDoesNotFitIsDescribedWithoutQuotingItsValues() {
        // Jackson's own messages quote the value ("Cannot deserialize value of type `int` from String "...")
        EventData data = new EventData(null, "OrderPlaced", 1,
                "{\"customer\":\"ada\",\"lines\":\"secret-4711\"}", null);
        assertThatThrownBy(() -> serializer.deserialize(stored(data)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.getMessage()).contains("OrderPlaced", "at lines", "expected int")
                            .doesNotContain("secret-4711", "ada");
                    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                        assertThat(String.valueOf(cause.getMessage())).doesNotContain("secret-4711");
                    }
                });
        EventData keyed = new EventData(null, "OrderPlaced", 1, "{\"alice@example.com\":1,\"lines\":[true]}",
                null);
        assertThatThrownBy(() -> serializer.deserialize(stored(keyed))).isInstanceOf(InvalidEventException.class)
                .hasMessageNotContaining("alice@example.com");
    }

    @Test
    void eventDataRefusesBadInput() {
        assertThatThrownBy(() -> EventData.of("T", "{oops")).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not JSON (5 characters)").hasMessageNotContaining("{oops"); // never quoted
        assertThatThrownBy(() -> EventData.of(" ", "{}")).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no type");
        assertThatThrownBy(() -> new EventData(null, "T", 0, "{}", null)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("schema version 0");
        assertThatThrownBy(() -> new EventData("x".repeat(101), "T", 1, "{}", null))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("101");
        assertThatThrownBy(() -> new EventData(null, "T", 1, "{}", Map.of(EventData.RECORDED_AT, "yesterday")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("yesterday");
        assertThatThrownBy(() -> serializer.register(Placed.class, CloseEvent.TYPE))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("reserved");
    }

    @Test
    void closeEventPayloadRoundTrips() {
        CloseEvent close = new CloseEvent("next", "pg", "migration", "m-1", 7, 9, Instant.parse("2025-01-01T00:00:00Z"));
        EventData data = close.toEventData();
        assertThat(data.isCloseEvent()).isTrue();
        assertThat(CloseEvent.from(stored(data))).isEqualTo(close);
        assertThatThrownBy(() -> new CloseEvent("next", null, "x", null, 0, 0, null))
                .isInstanceOf(InvalidEventException.class);
    }
}
