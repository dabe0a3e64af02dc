package dev.es.sample.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test's client of the dashboard's event stream: reads {@code text/event-stream} over real HTTP on its own thread
 * and queues each event (its name and JSON data). Every read is bounded: the connection times out after
 * {@link #READ_TIMEOUT} without a byte, and {@link #next(Duration)} waits at most what it is given.
 */
final class SseReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SseReader.class);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One event of the stream. */
    record Event(String name, JsonNode data) {
    }

    private final HttpURLConnection connection;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    SseReader(String url) throws IOException {
        connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
        connection.setRequestProperty("Accept", "text/event-stream");
        if (connection.getResponseCode() != 200) {
            throw new IOException("GET " + url + " answered " + connection.getResponseCode());
        }
        String type = connection.getContentType();
        if (type == null || !type.startsWith("text/event-stream")) {
            throw new IOException("GET " + url + " answered " + type + ", not text/event-stream");
        }
        reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, JSON.readTree(data.toString())));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                }
            }
        } catch (IOException e) {
            log.debug("Event stream ended: {}", e.toString());
        }
    }

    /** The next event, or {@code null} when none came within {@code within}. */
    Event next(Duration within) throws InterruptedException {
        return events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        connection.disconnect();
        reader.interrupt();
    }
}
