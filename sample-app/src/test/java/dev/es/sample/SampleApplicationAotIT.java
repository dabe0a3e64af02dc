package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.es.engine.document.ObjectDocument;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample started in AOT mode, as a native image starts it: from what {@code spring-boot:process-aot} generated
 * (bean definitions as code, runtime hints), on the JVM with {@code -Dspring.aot.enabled=true}. {@code mvn verify}
 * runs it with failsafe after {@code process-aot} (the sample's pom; docs/testing.md). It serves its health and the
 * order API, migrates an order live to the {@code archive} store, and the hints the build wrote name es's types and
 * the sample's events.
 */
@Timeout(180)
class SampleApplicationAotIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private int port;

    @Test
    void theSampleStartsInAotModeServesHealthAndMigratesAnOrderOverHttp() throws Exception {
        assertThat(AotDetector.useGeneratedArtifacts())
                .as("run with -Dspring.aot.enabled=true after spring-boot:process-aot (mvn verify does both)").isTrue();
        SpringApplication application = new SpringApplication(SampleApplication.class);
        // AOT mode looks for <main class>__ApplicationContextInitializer; here main() is the test runner's
        application.setMainApplicationClass(SampleApplication.class);
        try (ConfigurableApplicationContext context = application.run("--server.port=0",
                "--spring.main.banner-mode=off")) {
            BeanDefinition streams = context.getBeanFactory().getBeanDefinition("eventStreams");
            assertThat(((AbstractBeanDefinition) streams).getInstanceSupplier())
                    .as("es's beans are defined by the generated code, not by reading @Bean methods").isNotNull();
            port = ((WebServerApplicationContext) context).getWebServer().getPort();

            JsonNode health = get("/actuator/health");
            assertThat(health.path("status").asString()).isEqualTo("UP");
            assertThat(health.path("components").path("es").path("status").asString()).isEqualTo("UP");

            String id = post("/orders", "{\"customer\":\"ada\"}", 201).path("id").asString();
            for (int i = 1; i <= 3; i++) {
                post("/orders/" + id + "/notes", "{\"text\":\"note-" + i + "\"}", 200);
            }
            String migrationId = post("/admin/migrations/" + id + "?targetStore=archive", null, 202)
                    .path("migrationId").asString();
            post("/orders/" + id + "/notes", "{\"text\":\"during\"}", 200);

            AtomicReference<JsonNode> finished = new AtomicReference<>();
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                JsonNode migration = get("/actuator/migrations/" + migrationId);
                assertThat(migration.path("status").asString()).isEqualTo("COMPLETED");
                finished.set(migration);
            });
            assertThat(finished.get().path("targetStore").asString()).isEqualTo("archive");
            assertThat(finished.get().path("audit").isArray()).as("the audit trail, written by reflection").isTrue();

            JsonNode order = get("/orders/" + id);
            assertThat(order.path("store").asString()).isEqualTo("archive");
            assertThat(order.path("notes").size()).isEqualTo(4);
            JsonNode history = get("/orders/" + id + "/history");
            assertThat(history.size()).isEqualTo(5);
            assertThat(history.get(0).path("data").path("customer").asString()).isEqualTo("ada");
            assertThat(history.get(4).path("data").path("text").asString()).isEqualTo("during");
        }
    }

    @Test
    void theBuildWroteTheRuntimeHintsOfEsAndOfTheSampleEvents() throws IOException {
        URL metadata = getClass().getClassLoader()
                .getResource("META-INF/native-image/dev.es/sample-app/reachability-metadata.json");
        assertThat(metadata).as("written by spring-boot:process-aot into target/classes").isNotNull();
        String hints;
        try (InputStream in = metadata.openStream()) {
            hints = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(hints).contains("\"" + ObjectDocument.class.getName() + "\"",
                "\"" + OrderPlaced.class.getName() + "\"", "\"" + NoteAdded.class.getName() + "\"",
                "\"dev.es.autoconfigure.actuate.MigrationDescriptor\"");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build(), 200);
    }

    private JsonNode post(String path, String body, int status) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json");
        request.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(request.build(), status);
    }

    private JsonNode send(HttpRequest request, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(request.method() + " " + request.uri() + ": " + response.body())
                .isEqualTo(status);
        return json.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
