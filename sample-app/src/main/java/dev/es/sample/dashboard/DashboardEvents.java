package dev.es.sample.dashboard;

import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.stream.EventStreamListener;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's Server-Sent Events hub: every open page holds one {@link SseEmitter}; the migrations the dashboard
 * starts publish their progress callbacks here, and as a {@link MigrationListener} bean (the starter hands every
 * such bean to the migration service) it also hears every migration of the application start and finish, and as an
 * {@link EventStreamListener} bean every writer that met a closed stream and followed its continuation. When the
 * application stops it ends every open stream first, before the web server's graceful shutdown, which would otherwise
 * wait for these never-ending requests.
 */
@Component
// what the event stream writes as JSON, for a native image (controllers' return types are registered by Spring)
@RegisterReflectionForBinding({MigrationView.class, CopiedEvent.class, DashboardMigrations.BulkView.class,
        DashboardEvents.Started.class, DashboardEvents.Finished.class, DashboardEvents.Cutover.class,
        DashboardEvents.Continuation.class})
public class DashboardEvents implements MigrationListener, EventStreamListener, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DashboardEvents.class);

    /** How long one page's event stream stays open before the browser reconnects. */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean running;

    /** A migration began (or resumed), as the engine's listener reports it. */
    public record Started(String migrationId, String objectName, String objectId, Instant at) {
    }

    /** A migration ended, as the engine's listener reports it. */
    public record Finished(String migrationId, String status, long eventsCopied, int catchUpIterations,
                           @Nullable String error, Instant at) {
    }

    /** The time from the close to the document pointing at the target, as the engine's listener reports it. */
    public record Cutover(String objectName, double millis, Instant at) {
    }

    /** A writer met a closed stream and was sent on to its continuation, as the streams' listener reports it. */
    public record Continuation(String objectName, String fromStream, String toStream, Instant at) {
    }

    /** Opens a new event stream for one page. */
    SseEmitter subscribe() {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        emitters.add(emitter);
        send(emitter, "hello", new Started("-", "-", "-", Instant.now()));
        return emitter;
    }

    /** How many pages listen now. */
    int subscribers() {
        return emitters.size();
    }

    /** Sends {@code data} as JSON, as an event named {@code name}, to every open page. */
    void publish(String name, Object data) {
        for (SseEmitter emitter : emitters) {
            send(emitter, name, data);
        }
    }

    private void send(SseEmitter emitter, String name, Object data) {
        try {
            // one writer at a time per emitter: the migrations call back on their own threads
            synchronized (emitter) {
                emitter.send(SseEmitter.event().id(Long.toString(sequence.incrementAndGet())).name(name)
                        .data(data, MediaType.APPLICATION_JSON));
            }
        } catch (IOException | IllegalStateException e) {
            // the page went away: forget it
            log.debug("Dropping a dashboard event stream: {}", e.toString());
            emitters.remove(emitter);
            emitter.completeWithError(e);
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every open stream (the pages reconnect to the next instance); runs before the graceful shutdown. */
    @Override
    public void stop() {
        running = false;
        for (SseEmitter emitter : emitters) {
            emitters.remove(emitter);
            synchronized (emitter) {
                emitter.complete();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void started(String migrationId, String objectName, String objectId) {
        publish("started", new Started(migrationId, objectName, objectId, Instant.now()));
    }

    @Override
    public void retriedOnContinuation(String objectName, String fromStream, String toStream) {
        publish("continuation", new Continuation(objectName, fromStream, toStream, Instant.now()));
    }

    @Override
    public void cutover(String objectName, Duration took) {
        publish("cutover", new Cutover(objectName, took.toNanos() / 1e6, Instant.now()));
    }

    @Override
    public void finished(MigrationResult result) {
        publish("finished", new Finished(result.migrationId(), result.status().name(),
                result.statistics().totalEvents(), result.statistics().catchUpAttempts(),
                result.error() == null ? null : result.error().getMessage(), Instant.now()));
    }
}
