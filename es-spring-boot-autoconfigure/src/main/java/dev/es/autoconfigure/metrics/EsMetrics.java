package dev.es.autoconfigure.metrics;

import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.stream.EventStreamListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Micrometer meters of es, all named {@code es.*}: appends and their latency by store, retries on closed streams,
 * migration events copied, catch-up iterations, active migrations, cutover duration, lock waits and failures.
 */
public final class EsMetrics implements EventStreamListener, MigrationListener {

    private final MeterRegistry registry;

    public EsMetrics(MeterRegistry registry, MigrationRoutingTable routing) {
        this.registry = registry;
        Gauge.builder("es.migrations.active", routing, r -> r.active().size())
                .description("Migrations not yet finished").register(registry);
    }

    @Override
    public void appended(String store, int events, Duration took) {
        Counter.builder("es.appends").description("Events appended by writers").tag("store", store)
                .register(registry).increment(events);
        Timer.builder("es.append.latency").description("Time of one append").tag("store", store)
                .register(registry).record(took);
    }

    @Override
    public void retriedOnContinuation(String objectName, String fromStream, String toStream) {
        Counter.builder("es.streams.closure.retries").description("Appends retried on a continuation stream")
                .tag("object", objectName).register(registry).increment();
    }

    @Override
    public void eventsCopied(String objectName, int count) {
        Counter.builder("es.migration.events.copied").description("Events copied by migrations")
                .tag("object", objectName).register(registry).increment(count);
    }

    @Override
    public void catchUpIteration(String objectName) {
        Counter.builder("es.migration.catchup.iterations").description("Catch-up iterations of migrations")
                .tag("object", objectName).register(registry).increment();
    }

    @Override
    public void cutover(String objectName, Duration took) {
        Timer.builder("es.migration.cutover").description("Time from the close to the document switched")
                .tag("object", objectName).register(registry).record(took);
    }

    @Override
    public void lockAcquired(String key, Duration waited) {
        Timer.builder("es.lock.acquire.wait").description("Wait for a migration lock").register(registry)
                .record(waited);
    }

    @Override
    public void lockAcquireFailed(String key) {
        Counter.builder("es.lock.acquire.failures").description("Migration locks not obtained").register(registry)
                .increment();
    }

    @Override
    public void finished(MigrationResult result) {
        Counter.builder("es.migrations.finished").description("Migrations ended, by status")
                .tag("status", result.status().name()).register(registry).increment();
    }
}
