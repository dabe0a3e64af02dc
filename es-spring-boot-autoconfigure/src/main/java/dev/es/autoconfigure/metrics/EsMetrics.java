package dev.es.autoconfigure.metrics;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupListener;
import dev.es.engine.backup.RestoreResult;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.stream.EventStreamListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Micrometer meters of es, all named {@code es.*}: one timer per append ({@code es.appends}) and the events it
 * wrote ({@code es.events.appended}), both by store; retries on closed streams; migration events copied, catch-up
 * iterations, active migrations, cutover duration; lock waits and failures; migrations finished by status; events,
 * bytes, time and failures of backups and restores, by {@code operation} ({@code backup}, {@code restore}: the
 * operation as {@link BackupListener} names it).
 * <p>
 * Each meter is described once, as a {@link MeterProvider} on the registry, and only its tags vary per call.
 */
public final class EsMetrics implements EventStreamListener, MigrationListener, BackupListener {

    private final MeterProvider<Timer> appends;
    private final MeterProvider<Counter> eventsAppended;
    private final MeterProvider<Counter> closureRetries;
    private final MeterProvider<Counter> eventsCopied;
    private final MeterProvider<Counter> catchUpIterations;
    private final MeterProvider<Timer> cutover;
    private final Timer lockWait;
    private final Counter lockFailures;
    private final MeterProvider<Counter> finished;
    private final MeterProvider<Counter> backupEvents;
    private final Counter backupBytes;
    private final MeterProvider<Timer> backupDuration;
    private final MeterProvider<Counter> backupFailures;

    public EsMetrics(MeterRegistry registry, MigrationRoutingTable routing) {
        Gauge.builder("es.migrations.active", routing, r -> r.active().size())
                .description("Migrations not yet finished").register(registry);
        appends = Timer.builder("es.appends").description("Appends by writers, and their time")
                .withRegistry(registry);
        eventsAppended = Counter.builder("es.events.appended").description("Events appended by writers")
                .baseUnit("events").withRegistry(registry);
        closureRetries = Counter.builder("es.streams.closure.retries")
                .description("Appends retried on a continuation stream").withRegistry(registry);
        eventsCopied = Counter.builder("es.migration.events.copied").description("Events copied by migrations")
                .baseUnit("events").withRegistry(registry);
        catchUpIterations = Counter.builder("es.migration.catchup.iterations")
                .description("Catch-up iterations of migrations").withRegistry(registry);
        cutover = Timer.builder("es.migration.cutover").description("Time from the close to the document switched")
                .withRegistry(registry);
        lockWait = Timer.builder("es.lock.acquire.wait").description("Wait for a migration lock").register(registry);
        lockFailures = Counter.builder("es.lock.acquire.failures").description("Migration locks not obtained")
                .register(registry);
        finished = Counter.builder("es.migrations.finished").description("Migrations ended, by status")
                .withRegistry(registry);
        backupEvents = Counter.builder("es.backup.events").description("Events backed up or restored, by operation")
                .baseUnit("events").withRegistry(registry);
        backupBytes = Counter.builder("es.backup.bytes").description("Bytes written by backups")
                .baseUnit("bytes").register(registry);
        backupDuration = Timer.builder("es.backup.duration").description("Backups and restores, and their time")
                .withRegistry(registry);
        backupFailures = Counter.builder("es.backup.failures")
                .description("Backups, restores and validations that failed, by operation").withRegistry(registry);
    }

    @Override
    public void appended(String store, int events, Duration took) {
        appends.withTag("store", store).record(took);
        eventsAppended.withTag("store", store).increment(events);
    }

    @Override
    public void retriedOnContinuation(String objectName, String fromStream, String toStream) {
        closureRetries.withTag("object", objectName).increment();
    }

    @Override
    public void eventsCopied(String objectName, int count) {
        eventsCopied.withTag("object", objectName).increment(count);
    }

    @Override
    public void catchUpIteration(String objectName) {
        catchUpIterations.withTag("object", objectName).increment();
    }

    @Override
    public void cutover(String objectName, Duration took) {
        cutover.withTag("object", objectName).record(took);
    }

    @Override
    public void lockAcquired(String key, Duration waited) {
        lockWait.record(waited);
    }

    @Override
    public void lockAcquireFailed(String key) {
        lockFailures.increment();
    }

    @Override
    public void finished(MigrationResult result) {
        finished.withTag("status", result.status().name()).increment();
    }

    @Override
    public void backedUp(BackupDescriptor backup, Duration duration) {
        backupEvents.withTag("operation", "backup").increment(backup.eventCount());
        backupBytes.increment(backup.byteSize());
        backupDuration.withTag("operation", "backup").record(duration);
    }

    @Override
    public void restored(RestoreResult result) {
        backupEvents.withTag("operation", "restore").increment(result.eventCount());
        backupDuration.withTag("operation", "restore").record(result.duration());
    }

    @Override
    public void failed(String operation, Throwable error) {
        backupFailures.withTag("operation", operation).increment();
    }
}
