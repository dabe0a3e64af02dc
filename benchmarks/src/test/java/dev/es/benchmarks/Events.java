package dev.es.benchmarks;

import dev.es.engine.event.EventData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ~200-byte JSON events every figure writes, as es events and as the references' rows, blocks and messages. */
final class Events {

    static final String TYPE = "NoteAdded";

    /** The payload of every event: about 200 bytes of JSON. */
    static final String PAYLOAD = "{\"orderId\":\"3f1c9a2e-7b4d-4e8a-9c61-2d5b8f0e4a17\","
            + "\"customer\":\"customer-000042\","
            + "\"note\":\"Please deliver to the back door and ring twice; fragile items inside, handle with care.\","
            + "\"amount\":1234.56,\"currency\":\"EUR\",\"line\":1}";

    private Events() {
    }

    /** {@code count} new es events, each with a fresh random id. */
    static List<EventData> batch(int count) {
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(new EventData(null, TYPE, 1, PAYLOAD, Map.of()));
        }
        return events;
    }

    /** The payload as an object, for Axon's Jackson serializer: it serializes to {@link #PAYLOAD}. */
    public static final class NoteAdded {
        public String orderId = "3f1c9a2e-7b4d-4e8a-9c61-2d5b8f0e4a17";
        public String customer = "customer-000042";
        public String note = "Please deliver to the back door and ring twice; fragile items inside, handle with care.";
        public double amount = 1234.56;
        public String currency = "EUR";
        public int line = 1;
    }
}
