package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What the profile tests do on a running sample: create an order with notes, migrate it to {@code archive}
 * (rate-limited) while adding notes, and read its history back from the target: every note once, in order.
 */
final class StoreProfileScenario {

    private StoreProfileScenario() {
    }

    static void createAndMigrateAcrossStores(SampleHttp http, String orderId) throws Exception {
        JsonNode created = http.post("/orders", "{\"id\":\"" + orderId + "\",\"customer\":\"ada\"}", 201);
        assertThat(created.get("store").asString()).isEqualTo("main");
        List<String> notes = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            http.post("/orders/" + orderId + "/notes", "{\"text\":\"before-" + i + "\"}", 200);
            notes.add("before-" + i);
        }

        String migrationId = http.post("/admin/migrations/" + orderId + "?targetStore=archive&maxEventsPerSecond=4",
                null, 202).get("migrationId").asString();
        for (int i = 1; i <= 3; i++) {
            http.post("/orders/" + orderId + "/notes", "{\"text\":\"during-" + i + "\"}", 200);
            notes.add("during-" + i);
        }
        JsonNode done = http.awaitMigration(migrationId, m -> "COMPLETED".equals(m.get("status").asString()),
                Duration.ofSeconds(60));
        assertThat(done.get("sourceStore").asString()).isEqualTo("main");
        assertThat(done.get("targetStore").asString()).isEqualTo("archive");
        http.post("/orders/" + orderId + "/notes", "{\"text\":\"after\"}", 200);
        notes.add("after");

        JsonNode order = http.get("/orders/" + orderId, 200);
        assertThat(order.get("store").asString()).isEqualTo("archive");
        assertThat(order.get("stream").asString()).isEqualTo("order-" + orderId + "-v2");
        JsonNode history = http.get("/orders/" + orderId + "/history", 200);
        List<String> read = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        for (JsonNode event : history) {
            versions.add(event.get("version").asLong());
            if ("NoteAdded".equals(event.get("type").asString())) {
                read.add(event.get("data").get("text").asString());
            }
        }
        assertThat(history.get(0).get("type").asString()).isEqualTo("OrderPlaced");
        assertThat(read).containsExactlyElementsOf(notes);
        assertThat(versions).hasSize(notes.size() + 1).isSorted().doesNotHaveDuplicates();
    }
}
