package dev.es.benchmarks;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.benchmarks.Backends.Env;
import dev.es.benchmarks.Backends.Kind;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationProgress;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Figure 4: writers appending one event at a time, back to back, each through its own {@code EventStream} handle of
 * one object with {@code any()}, while that object is migrated (a new stream in the same store, the migration
 * service's default settings) against the same writers with no migration. For PostgreSQL and Azure Blob half of the
 * writers go through a second {@code EventStreams} over the same database or container with connections and
 * clients of its own, as a second process would.
 */
final class LiveMigrationFigure {

    /** One window of one round. */
    record Window(LatencyHistogram latencies, double seconds, long appends, long errors, String firstError,
                  boolean finished, int catchUpIterations, String outcome) {

        double p50Ms() {
            return latencies.percentileNanos(0.50) / 1e6;
        }

        double p99Ms() {
            return latencies.percentileNanos(0.99) / 1e6;
        }

        double maxMs() {
            return latencies.maxNanos() / 1e6;
        }

        double appendsPerSecond() {
            return appends / seconds;
        }
    }

    /** All rounds of one store and writer count. */
    record Result(Kind kind, int writers, boolean twoProcesses, List<Window> migrating, List<Window> baseline,
                  Duration maxSourcePause, Duration cap) {
    }

    private final Backends backends;
    private final BlobContainerClient container;
    private final BenchSettings settings;

    LiveMigrationFigure(Backends backends, BlobContainerClient container, BenchSettings settings) {
        this.backends = backends;
        this.container = container;
        this.settings = settings;
    }

    Result run(Kind kind, int writers) throws Exception {
        Env env = backends.env(kind, kind, kind, backends.db.connections(), container);
        EventStreams first = new EventStreams(EventStoreRegistry.of(env.main()), env.documents(), env.tags(),
                EventStreamSettings.defaults(), "main");
        boolean twoProcesses = kind != Kind.MEMORY;
        EventStreams second = first;
        if (twoProcesses) {
            Env other = backends.env(kind, kind, kind, backends.newConnections(),
                    kind == Kind.BLOB ? backends.reopen(container) : container);
            second = new EventStreams(EventStoreRegistry.of(other.main()), other.documents(), other.tags(),
                    EventStreamSettings.defaults(), "main");
        }
        List<Window> migrating = new ArrayList<>();
        List<Window> baseline = new ArrayList<>();
        try (DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(first,
                env.locks(), env.routing())) {
            for (int round = 0; round < settings.liveRounds(); round++) {
                migrating.add(round(first, second, migrations, writers, true));
                baseline.add(round(first, second, migrations, writers, false));
            }
            return new Result(kind, writers, twoProcesses, migrating, baseline,
                    migrations.defaults().maxSourcePause(), settings.migrationCap());
        }
    }

    private Window round(EventStreams first, EventStreams second, DefaultEventStreamMigrationService migrations,
                         int writers, boolean migrate) throws Exception {
        String id = "w" + UUID.randomUUID().toString().substring(0, 12);
        String sourceId = EventStreams.streamIdFor("Order", id);
        first.open("Order", id);
        CopyFigure.fill(first.stores().get("main"), sourceId, settings.liveHistory());

        List<EventStream> handles = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            handles.add((i % 2 == 1 ? second : first).open("Order", id));
        }
        LatencyHistogram[] histograms = new LatencyHistogram[writers];
        long[] appendsInWindow = new long[writers];
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long perWriterCap = settings.liveMaxEvents() / writers;
        Flags flags = new Flags();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int w = i;
            histograms[w] = new LatencyHistogram();
            Thread t = new Thread(() -> {
                EventStream stream = handles.get(w);
                long n = 0;
                while (!flags.stop) {
                    List<EventData> event = Events.batch(1);
                    boolean recording = flags.recording;
                    long started = System.nanoTime();
                    try {
                        stream.append(ExpectedVersion.any(), event);
                        long took = System.nanoTime() - started;
                        if (recording) {
                            histograms[w].record(took);
                            appendsInWindow[w]++;
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                    if (++n >= perWriterCap) {
                        flags.capReached = true;
                        break;
                    }
                }
            }, "bench-live-writer-" + i);
            threads.add(t);
            t.start();
        }
        Thread.sleep(settings.liveWarmUp().toMillis());

        boolean finished = true;
        int iterations = 0;
        String outcome;
        long windowStart;
        long windowEnd;
        if (migrate) {
            flags.recording = true;
            windowStart = System.nanoTime();
            MigrationHandle handle = migrations.forDocument("Order", id).start();
            long deadline = windowStart + settings.migrationCap().toNanos();
            while (!handle.isDone() && System.nanoTime() - deadline < 0 && !flags.capReached) {
                Thread.sleep(2);
            }
            flags.recording = false;
            windowEnd = System.nanoTime();
            if (handle.isDone()) {
                MigrationResult result = handle.await();
                finished = result.isSuccess();
                iterations = result.statistics() == null ? 0 : result.statistics().catchUpAttempts();
                outcome = finished ? "finished" : result.status() + (result.error() == null ? ""
                        : ": " + result.error().getMessage());
            } else {
                finished = false;
                MigrationProgress progress = handle.progress();
                iterations = progress.catchUpIterations();
                outcome = "did not finish in " + String.format(java.util.Locale.ROOT, "%.1f", (windowEnd
                        - windowStart) / 1e9) + " s" + (flags.capReached ? " (writers stopped at their cap of "
                        + settings.liveMaxEvents() + " appends)" : "") + ", phase " + progress.phase();
                handle.cancel();
                try {
                    handle.await(Duration.ofSeconds(60));
                } catch (TimeoutException e) {
                    outcome += "; its cancel did not end it within 60 s";
                }
            }
        } else {
            flags.recording = true;
            windowStart = System.nanoTime();
            long deadline = windowStart + settings.liveBaseline().toNanos();
            while (System.nanoTime() - deadline < 0 && !flags.capReached) {
                Thread.sleep(2);
            }
            flags.recording = false;
            windowEnd = System.nanoTime();
            outcome = "no migration";
        }
        flags.stop = true;
        for (Thread t : threads) {
            t.join();
        }
        LatencyHistogram all = new LatencyHistogram();
        long appends = 0;
        for (int i = 0; i < writers; i++) {
            all.add(histograms[i]);
            appends += appendsInWindow[i];
        }
        // leave nothing behind: the source, and the target when the migration moved the object
        first.stores().get("main").delete(sourceId);
        StreamPointer active = first.documents().get("Order", id).orElseThrow().active();
        if (!active.streamId().equals(sourceId)) {
            first.stores().get(active.store()).delete(active.streamId());
        }
        return new Window(all, (windowEnd - windowStart) / 1e9, appends, errors.get(), firstError.get(), finished,
                iterations, outcome);
    }

    private static final class Flags {
        volatile boolean stop;
        volatile boolean recording;
        volatile boolean capReached;
    }
}
