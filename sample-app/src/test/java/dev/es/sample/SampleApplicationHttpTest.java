package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The sample app over real HTTP on a random port: the order API, a live migration under writes, the actuator. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationHttpTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Test
    void notesAddedWhileTheOrderMigratesAreAllInItsHistoryOnceAndInOrder() throws Exception {
        String id = post("/orders", "{\"customer\":\"ada\"}", 201).get("id").asString();
        List<String> expectedNotes = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            addNote(id, "before-" + i);
            expectedNotes.add("before-" + i);
        }

        // 21 events at 5 a second: the copy of the history alone takes about 4 s
        JsonNode started = post("/admin/migrations/" + id + "?targetStore=archive&maxEventsPerSecond=5", null, 202);
        String migrationId = started.get("migrationId").asString();
        assertThat(started.get("monitor").asString()).isEqualTo("/actuator/migrations/" + migrationId);
        assertThat(started.get("maxEventsPerSecond").asDouble()).isEqualTo(5);
        awaitMigration(migrationId, m -> "IN_PROGRESS".equals(m.get("status").asString()));

        for (int i = 1; i <= 5; i++) {
            JsonNode before = activeMigration(migrationId);
            addNote(id, "during-" + i);
            JsonNode after = activeMigration(migrationId);
            expectedNotes.add("during-" + i);
            assertThat(before.get("status").asString()).as("status before note %d", i).isEqualTo("IN_PROGRESS");
            assertThat(after.get("status").asString()).as("status after note %d", i).isEqualTo("IN_PROGRESS");
            assertThat(after.get("targetStore").asString()).isEqualTo("archive");
        }

        JsonNode done = awaitMigration(migrationId, m -> "COMPLETED".equals(m.get("status").asString()));
        assertThat(done.get("phase").asString()).isEqualTo("BOOK_CLOSED");
        assertThat(done.get("sourceStore").asString()).isEqualTo("main");
        assertThat(done.get("sourceStream").asString()).isEqualTo("order-" + id);
        assertThat(done.get("targetStream").asString()).isEqualTo("order-" + id + "-v2");
        assertThat(done.get("eventsCopied").asLong()).as("every event, the notes added during the run too")
                .isEqualTo(26);
        assertThat(ids(get("/actuator/migrations", 200))).doesNotContain(migrationId);

        addNote(id, "after");
        expectedNotes.add("after");

        JsonNode history = get("/orders/" + id + "/history", 200);
        assertThat(history.size()).isEqualTo(27);
        assertThat(history.get(0).get("type").asString()).isEqualTo("OrderPlaced");
        assertThat(history.get(0).get("data").get("customer").asString()).isEqualTo("ada");
        List<String> notes = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        for (JsonNode event : history) {
            versions.add(event.get("version").asLong());
            if (!"OrderPlaced".equals(event.get("type").asString())) {
                assertThat(event.get("type").asString()).isEqualTo("NoteAdded");
                notes.add(event.get("data").get("text").asString());
            }
        }
        assertThat(notes).containsExactlyElementsOf(expectedNotes);
        assertThat(versions).containsExactlyElementsOf(IntStream.rangeClosed(1, 27).mapToObj(v -> (long) v).toList());

        JsonNode order = get("/orders/" + id, 200);
        assertThat(order.get("store").asString()).isEqualTo("archive");
        assertThat(order.get("stream").asString()).isEqualTo("order-" + id + "-v2");
        assertThat(order.get("version").asLong()).isEqualTo(27);
        assertThat(order.get("notes").size()).isEqualTo(26);
    }

    @Test
    void healthIsUpWithTheEsComponentShowingBothStores() throws Exception {
        JsonNode health = get("/actuator/health", 200);
        assertThat(health.get("status").asString()).isEqualTo("UP");
        JsonNode es = health.get("components").get("es");
        assertThat(es.get("status").asString()).isEqualTo("UP");
        JsonNode stores = es.get("components").get("stores").get("components");
        assertThat(stores.get("main").get("status").asString()).isEqualTo("UP");
        assertThat(stores.get("archive").get("status").asString()).isEqualTo("UP");
        assertThat(es.get("components").get("locks").get("status").asString()).isEqualTo("UP");
        assertThat(get("/actuator/health/es/stores/archive", 200).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void anOrderCanBeCreatedWithItsOwnIdAndReadBack() throws Exception {
        HttpResponse<String> created = send(request("/orders").POST(body("{\"id\":\"o-1\",\"customer\":\" bob \"}")));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/orders/o-1");
        addNote("o-1", "first");

        JsonNode order = get("/orders/o-1", 200);
        assertThat(order.get("customer").asString()).isEqualTo("bob");
        assertThat(order.get("notes").get(0).asString()).isEqualTo("first");
        assertThat(order.get("version").asLong()).isEqualTo(2);
        assertThat(order.get("store").asString()).isEqualTo("main");
        assertThat(order.get("stream").asString()).isEqualTo("order-o-1");
    }

    @Test
    void unknownOrdersAreNotFound() throws Exception {
        assertProblem(send(request("/orders/nope")), 404, "No Order with id 'nope' exists");
        assertProblem(send(request("/orders/nope/history")), 404, "No Order with id 'nope' exists");
        assertProblem(send(request("/orders/nope/notes").POST(body("{\"text\":\"hi\"}"))), 404,
                "No Order with id 'nope' exists");
        assertProblem(send(request("/admin/migrations/nope").POST(HttpRequest.BodyPublishers.noBody())), 404,
                "No Order with id 'nope' exists");
    }

    @Test
    void badInputIsABadRequestThatSaysWhy() throws Exception {
        String id = post("/orders", "{\"customer\":\"ada\"}", 201).get("id").asString();

        assertProblem(send(request("/orders/" + id + "/notes").POST(body("{\"text\":\"   \"}"))), 400,
                "text of a note must not be blank");
        assertProblem(send(request("/orders/" + id + "/notes").POST(body("{}"))), 400,
                "text of a note must not be blank");
        assertProblem(send(request("/orders").POST(body("{\"customer\":\"\"}"))), 400, "customer must not be blank");
        assertProblem(send(request("/orders").POST(body("{\"id\":\"a b\",\"customer\":\"ada\"}"))), 400,
                "Invalid objectId 'a b'");
        assertProblem(send(request("/orders").POST(body("not json"))), 400, "");
        assertProblem(send(request("/admin/migrations/" + id + "?targetStore=attic")
                .POST(HttpRequest.BodyPublishers.noBody())), 400, "No event store is named 'attic'");
        assertProblem(send(request("/admin/migrations/" + id + "?maxEventsPerSecond=-1")
                .POST(HttpRequest.BodyPublishers.noBody())), 400, "maxEventsPerSecond must be between 0");

        assertThat(get("/orders/" + id, 200).get("notes").size()).as("nothing was written").isZero();
    }

    @Test
    void concurrentChangesAreConflicts() throws Exception {
        post("/orders", "{\"id\":\"o-2\",\"customer\":\"ada\"}", 201);
        assertProblem(send(request("/orders").POST(body("{\"id\":\"o-2\",\"customer\":\"eve\"}"))), 409,
                "Order o-2 already exists");

        post("/orders/o-2/notes", "{\"text\":\"one\",\"expectedVersion\":1}", 200);
        JsonNode stale = assertProblem(send(request("/orders/o-2/notes")
                .POST(body("{\"text\":\"two\",\"expectedVersion\":1}"))), 409, "is at version 2");
        assertThat(stale.get("actualVersion").asLong()).isEqualTo(2);
        assertThat(get("/orders/o-2", 200).get("notes").size()).isEqualTo(1);
    }

    @Test
    void aSecondMigrationOfAnOrderBeingMigratedIsAConflict() throws Exception {
        post("/orders", "{\"id\":\"o-3\",\"customer\":\"ada\"}", 201);
        addNote("o-3", "one");
        String first = post("/admin/migrations/o-3?maxEventsPerSecond=1", null, 202).get("migrationId").asString();
        awaitMigration(first, m -> "IN_PROGRESS".equals(m.get("status").asString()));

        assertProblem(send(request("/admin/migrations/o-3?targetStore=archive")
                .POST(HttpRequest.BodyPublishers.noBody())), 409, "already being migrated by migration " + first);

        awaitMigration(first, m -> "COMPLETED".equals(m.get("status").asString()));
        JsonNode order = get("/orders/o-3", 200);
        assertThat(order.get("store").asString()).isEqualTo("main");
        assertThat(order.get("stream").asString()).isEqualTo("order-o-3-v2");
    }

    // ---------------------------------------------------------------- helpers

    private void addNote(String id, String text) throws IOException, InterruptedException {
        post("/orders/" + id + "/notes", "{\"text\":\"" + text + "\"}", 200);
    }

    /** The migration as {@code GET /actuator/migrations} lists it; fails when it is not listed as active. */
    private JsonNode activeMigration(String migrationId) throws IOException, InterruptedException {
        for (JsonNode m : get("/actuator/migrations", 200)) {
            if (migrationId.equals(m.get("id").asString())) {
                return m;
            }
        }
        throw new AssertionError("migration " + migrationId + " is not active");
    }

    private JsonNode awaitMigration(String migrationId, Predicate<JsonNode> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(request("/actuator/migrations/" + migrationId));
            if (response.statusCode() == 200) {
                last = json.readTree(response.body());
                if (condition.test(last)) {
                    return last;
                }
                assertThat(last.get("status").asString()).as("migration %s", last)
                        .isNotIn("FAILED", "CANCELLED", "ROLLED_BACK");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("migration " + migrationId + " did not get there within " + DEADLINE + "; last: "
                + last);
    }

    private static List<String> ids(JsonNode migrations) {
        List<String> ids = new ArrayList<>();
        migrations.forEach(m -> ids.add(m.get("id").asString()));
        return ids;
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).contains(detail);
        return problem;
    }

    private JsonNode get(String path, int status) throws IOException, InterruptedException {
        return expect(send(request(path)), status);
    }

    private JsonNode post(String path, String jsonBody, int status) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).POST(jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : body(jsonBody));
        return expect(send(request), status);
    }

    private JsonNode expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
    }

    private static HttpRequest.BodyPublisher body(String jsonBody) {
        return HttpRequest.BodyPublishers.ofString(jsonBody);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
