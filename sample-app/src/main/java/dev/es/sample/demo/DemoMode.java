package dev.es.sample.demo;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.migration.BulkMigrationProgress;
import dev.es.engine.migration.BulkMigrationResult;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationPhase;
import dev.es.engine.migration.MigrationProgress;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import dev.es.sample.NoteAdded;
import dev.es.sample.Order;
import dev.es.sample.OrderPlaced;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * When {@code es.demo.enabled} is true, runs the demo once the application is ready, on a thread of its own
 * ({@code es-demo}): creates {@code es.demo.orders} orders in the default store, starts {@code es.demo.writers}
 * writers adding notes to random orders, migrates every order live to the target store with one bulk run (a progress bar in the log), stops the
 * writers, then reads every history back and checks it against the acknowledged writes ({@link HistoryCheck}). The
 * outcome is {@link #result()} and is logged as {@link DemoReport#toText()}.
 * <p>
 * The orders' ids start with {@code demo-<run>-}, a new run id each time, so a demo over stores that outlive the
 * application never touches earlier orders.
 */
public class DemoMode implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DemoMode.class);
    private static final int BAR_WIDTH = 30;

    private final DemoProperties properties;
    private final EventStreams streams;
    private final EventStreamMigrationService migrations;
    private final EventSerializer serializer;
    private final CompletableFuture<DemoReport> result = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile @Nullable Thread thread;

    public DemoMode(DemoProperties properties, EventStreams streams, EventStreamMigrationService migrations,
                    EventSerializer serializer) {
        this.properties = properties;
        this.streams = streams;
        this.migrations = migrations;
        this.serializer = serializer;
    }

    /**
     * The demo's report once it ran; completed exceptionally when the demo could not run; never completed when the
     * demo is off ({@code es.demo.enabled} false).
     */
    public CompletableFuture<DemoReport> result() {
        return result;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!properties.enabled() || thread != null) {
            return;
        }
        thread = new Thread(() -> {
            try {
                DemoReport report = run();
                if (report.passed()) {
                    log.info("\n{}", report.toText());
                } else {
                    log.warn("\n{}\n  problems: {}", report.toText(), report.check().firstProblems());
                }
                result.complete(report);
            } catch (Throwable e) {
                log.error("The demo failed: {}", e.getMessage(), e);
                result.completeExceptionally(e);
            }
        }, "es-demo");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void destroy() throws InterruptedException {
        stopping.set(true);
        Thread running = thread;
        if (running != null) {
            running.interrupt();
            running.join(Duration.ofSeconds(10).toMillis());
        }
    }

    private DemoReport run() throws InterruptedException {
        String source = streams.defaultStore();
        String target = targetStore(source);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Queue<String>> acknowledged = new ConcurrentHashMap<>();
        List<String> ids = new ArrayList<>(properties.orders());

        log.info("Demo {}: creating {} orders with {} note(s) each in store '{}'", run, properties.orders(),
                properties.notesPerOrder(), source);
        for (int i = 0; i < properties.orders(); i++) {
            checkStopping();
            String id = "demo-" + run + "-" + i;
            List<EventData> events = new ArrayList<>();
            events.add(serializer.serialize(new OrderPlaced("customer-" + i, Order.DEFAULT_CURRENCY)));
            for (int n = 1; n <= properties.notesPerOrder(); n++) {
                events.add(serializer.serialize(new NoteAdded("note " + n)));
            }
            streams.open(Order.OBJECT_NAME, id).append(ExpectedVersion.noStream(), events);
            Queue<String> written = new ConcurrentLinkedQueue<>();
            events.forEach(e -> written.add(e.eventId()));
            acknowledged.put(id, written);
            ids.add(id);
        }
        long eventsBefore = countEvents(ids);

        CutoverWindows windows = new CutoverWindows(ids);
        Writers writers = new Writers(ids, acknowledged, windows);
        List<ObjectDocument> documents = ids.stream().map(id -> streams.document(Order.OBJECT_NAME, id)).toList();
        LongAdder catchUps = new LongAdder();
        AtomicInteger maxCatchUps = new AtomicInteger();
        log.info("Demo {}: migrating {} orders live from '{}' to '{}' ({} at a time) while {} writer(s) add notes",
                run, ids.size(), source, target, properties.maxConcurrency(), properties.writers());
        writers.start();
        BulkMigrationResult bulk;
        try {
            writers.awaitWriting();
            bulk = migrations.forDocuments(documents)
                    .bulkRunId("demo-" + run)
                    .targetStore(target)
                    .maxConcurrency(properties.maxConcurrency())
                    .continueOnError()
                    .eachObject(b -> b.withProgress(p -> p.onProgress(windows::observe).onCompleted(r -> {
                        if (r.status() == MigrationStatus.COMPLETED) {
                            catchUps.add(r.statistics().catchUpAttempts());
                            maxCatchUps.accumulateAndGet(r.statistics().catchUpAttempts(), Math::max);
                        }
                    })))
                    .progressInterval(properties.progressInterval())
                    .onBulkProgress(p -> log.info("{}", bar(p, ids.size())))
                    .execute();
        } finally {
            writers.stop();
        }

        HistoryCheck check = HistoryCheck.of(acknowledged, this::historyIds);
        long onTarget = ids.stream()
                .map(id -> streams.document(Order.OBJECT_NAME, id).active())
                .filter(active -> active.store().equals(target))
                .count();
        return new DemoReport(ids.size(), source, target, eventsBefore, check.eventsRead(), writers.acknowledged.sum(),
                writers.errors.sum(), check, onTarget, bulk.status(), bulk.migrated(), bulk.failed(), catchUps.sum(),
                maxCatchUps.get(), bulk.events(), bulk.duration(), Duration.ofNanos(writers.worstNanos.get()),
                Duration.ofNanos(writers.worstDuringCutoverNanos.get()), writers.duringCutover.sum(),
                writers.acrossClose.sum());
    }

    private String targetStore(String source) {
        if (properties.targetStore() != null) {
            if (!streams.stores().contains(properties.targetStore())) {
                throw new DemoConfigurationException("es.demo.target-store", properties.targetStore(),
                        "which is not a configured store (configured: " + streams.stores().names() + ")");
            }
            if (properties.targetStore().equals(source)) {
                throw new DemoConfigurationException("es.demo.target-store", properties.targetStore(),
                        "the default store the orders are created in; name another store");
            }
            return properties.targetStore();
        }
        return streams.stores().names().stream().filter(name -> !name.equals(source)).sorted().findFirst()
                .orElseThrow(() -> new DemoConfigurationException("es.stores", streams.stores().names(),
                        "the demo migrates orders to another store: configure a second one"));
    }

    private long countEvents(List<String> ids) {
        long count = 0;
        for (String id : ids) {
            count += historyIds(id).size();
        }
        return count;
    }

    private List<String> historyIds(String orderId) {
        EventStream stream = streams.find(Order.OBJECT_NAME, orderId).orElse(null);
        if (stream == null) {
            return List.of();
        }
        try (Stream<StoredEvent> events = stream.readAll()) {
            return events.map(StoredEvent::eventId).toList();
        }
    }

    private void checkStopping() throws InterruptedException {
        if (stopping.get() || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("the application is stopping");
        }
    }

    static String bar(BulkMigrationProgress p, int total) {
        long done = p.done();
        int filled = total == 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        return String.format(java.util.Locale.ROOT, "[%s%s] %3d%% %d/%d orders (%d failed), %d running, %.0f events/s%s",
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), total == 0 ? 100 : done * 100 / total, done, total,
                p.failed(), p.running(), p.eventsPerSecond(),
                p.eta() == null ? "" : ", ETA " + Math.max(0, p.eta().toSeconds()) + " s");
    }

    /**
     * When each order's migration is closing or cutting over: a counter per order, odd while the window is open (from
     * the first {@code CLOSING} to the end of the migration), fed by the migrations' phase changes, which the engine
     * reports on the migration's thread as they happen.
     */
    private final class CutoverWindows {

        private final Map<String, AtomicLong> marks = new ConcurrentHashMap<>();
        private final Map<String, String> orderOfMigration = new ConcurrentHashMap<>();

        CutoverWindows(List<String> ids) {
            ids.forEach(id -> marks.put(id, new AtomicLong()));
        }

        void observe(MigrationProgress progress) {
            String orderId = orderOfMigration.computeIfAbsent(progress.migrationId(),
                    id -> migrations.get(id).map(MigrationEntry::objectId).orElse(null));
            AtomicLong mark = orderId == null ? null : marks.get(orderId);
            if (mark == null) {
                return;
            }
            boolean open = mark.get() % 2 == 1;
            boolean closing = progress.phase() == MigrationPhase.CLOSING || progress.phase() == MigrationPhase.CUTOVER;
            if (closing && !open || progress.phase().isTerminal() && open) {
                mark.incrementAndGet();
            }
        }

        long mark(String orderId) {
            return marks.get(orderId).get();
        }
    }

    /** The writers that keep adding notes while the migration runs, and what they measured. */
    private final class Writers {

        private final List<String> ids;
        private final Map<String, Queue<String>> acknowledgedIds;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final LongAdder acknowledged = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final LongAdder acrossClose = new LongAdder();
        private final LongAdder duringCutover = new LongAdder();
        private final AtomicLong worstNanos = new AtomicLong();
        private final AtomicLong worstDuringCutoverNanos = new AtomicLong();
        private final CutoverWindows windows;
        private final CountDownLatch writing;

        Writers(List<String> ids, Map<String, Queue<String>> acknowledgedIds, CutoverWindows windows) {
            this.writing = new CountDownLatch(properties.writers());
            this.ids = ids;
            this.acknowledgedIds = acknowledgedIds;
            this.windows = windows;
        }

        void start() {
            for (int w = 0; w < properties.writers(); w++) {
                Thread writer = new Thread(this::write, "es-demo-writer-" + w);
                writer.setDaemon(true);
                threads.add(writer);
                writer.start();
            }
        }

        /** Waits (at most 10 s) until every writer has had a note acknowledged, so the migration starts under writes. */
        void awaitWriting() throws InterruptedException {
            if (!writing.await(10, TimeUnit.SECONDS)) {
                log.warn("Demo: not every writer wrote within 10 s; the migration starts anyway");
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread writer : threads) {
                writer.join();
            }
        }

        private void write() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long n = 0;
            boolean wrote = false;
            while (!stop.get() && !stopping.get()) {
                String id = ids.get(random.nextInt(ids.size()));
                EventData note = serializer.serialize(new NoteAdded("during the migration, "
                        + Thread.currentThread().getName() + " #" + ++n));
                try {
                    EventStream stream = streams.open(Order.OBJECT_NAME, id);
                    StreamPointer before = stream.activeStream();
                    long windowBefore = windows.mark(id);
                    long started = System.nanoTime();
                    AppendResult appended = stream.append(note);
                    long took = System.nanoTime() - started;
                    long windowAfter = windows.mark(id);
                    acknowledgedIds.get(id).add(note.eventId());
                    acknowledged.increment();
                    if (!wrote) {
                        wrote = true;
                        writing.countDown();
                    }
                    worstNanos.accumulateAndGet(took, Math::max);
                    boolean crossed = !appended.streamId().equals(before.streamId())
                            || !appended.store().equals(before.store());
                    if (crossed) {
                        acrossClose.increment();
                    }
                    // begun while the order's migration was closing, or while it opened or ended the window
                    if (crossed || windowBefore % 2 == 1 || windowAfter != windowBefore) {
                        duringCutover.increment();
                        worstDuringCutoverNanos.accumulateAndGet(took, Math::max);
                    }
                } catch (RuntimeException e) {
                    errors.increment();
                    if (errors.sum() <= 5) {
                        log.warn("Demo writer: a note to order {} failed: {}", id, e.getMessage());
                    }
                }
                try {
                    Thread.sleep(properties.writerPause().toMillis(), properties.writerPause().toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
