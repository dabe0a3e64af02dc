package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP to a running sample app: the order API and the migrations endpoint. */
final class SampleHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String base;

    SampleHttp(int port) {
        this.base = "http://localhost:" + port;
    }

    /** The app of {@code context}, started with {@code server.port=0}. */
    static SampleHttp of(ConfigurableApplicationContext context) {
        return new SampleHttp(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
    }

    JsonNode get(String path, int status) throws IOException, InterruptedException {
        return expect(send(HttpRequest.newBuilder(URI.create(base + path)).GET()), status);
    }

    JsonNode post(String path, String body, int status) throws IOException, InterruptedException {
        return expect(send(HttpRequest.newBuilder(URI.create(base + path)).POST(body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))), status);
    }

    /** Polls {@code /actuator/migrations/{id}} until {@code condition} holds; fails on a failed migration. */
    JsonNode awaitMigration(String migrationId, Predicate<JsonNode> condition, Duration within)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                    URI.create(base + "/actuator/migrations/" + migrationId)).GET());
            if (response.statusCode() == 200) {
                last = json.readTree(response.body());
                if (condition.test(last)) {
                    return last;
                }
                assertThat(last.get("status").asString()).as("migration %s", last)
                        .isNotIn("FAILED", "CANCELLED", "ROLLED_BACK");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("migration " + migrationId + " did not get there within " + within + "; last: "
                + last);
    }

    private JsonNode expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
