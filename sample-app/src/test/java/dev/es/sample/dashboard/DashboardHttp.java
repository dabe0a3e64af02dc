package dev.es.sample.dashboard;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP to the dashboard's API of a running sample app; every request and every wait is bounded. */
final class DashboardHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    DashboardHttp(int port) {
        this.port = port;
    }

    /** The app's event stream, open. */
    SseReader stream() throws IOException, InterruptedException {
        return new SseReader(url("/dashboard/api/stream"));
    }

    /** The events of {@code stream} about {@code id} (a migration or a bulk run) up to the one {@code last} matches. */
    static List<SseReader.Event> until(SseReader stream, Predicate<SseReader.Event> last, String id)
            throws InterruptedException {
        List<SseReader.Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            SseReader.Event event = stream.next(Duration.ofSeconds(1));
            if (event == null) {
                continue;
            }
            JsonNode data = event.data();
            boolean about = id.equals(data.path("migrationId").asString(null))
                    || id.equals(data.path("bulkRunId").asString(null));
            if (about) {
                seen.add(event);
                if (last.test(event)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("the event stream did not end " + id + " within 60 s; seen " + seen);
    }

    void seed(String id, int notes, String tag) throws Exception {
        JsonNode row = post("/dashboard/api/orders", "{\"id\":\"" + id + "\",\"customer\":\"ada\",\"notes\":" + notes
                + (tag == null ? "" : ",\"tag\":\"" + tag + "\"") + "}", 201);
        assertThat(row.get("version").asLong()).isEqualTo(notes + 1);
    }

    JsonNode overview() throws Exception {
        return JSON.readTree(get("/dashboard/api/overview").body());
    }

    JsonNode order(String id) throws Exception {
        for (JsonNode row : overview().get("orders")) {
            if (row.get("id").asString().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("order " + id + " not in the overview");
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode post(String path, String body, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = send(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    int postStatus(String path) throws IOException, InterruptedException {
        return send(path, null).statusCode();
    }

    int postStatus(String path, String body) throws IOException, InterruptedException {
        return send(path, body).statusCode();
    }

    HttpResponse<String> send(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
