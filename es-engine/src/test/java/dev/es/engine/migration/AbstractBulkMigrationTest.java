package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventTransformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk-migration acceptance scenarios, run against several store pairs: a store-wide migration under writers
 * with one object made to fail, two runners sharing one bulk run, and a run cancelled half-way then run again.
 */
public abstract class AbstractBulkMigrationTest {

    /** Fresh stores; event stores must be named {@code main} and {@code other}. */
    protected abstract MigrationTestStores createStores();

    /** Objects of the store-wide scenario. */
    protected abstract int storeWideObjects();

    /** Objects of the shared-run and the interrupted-run scenarios. */
    protected abstract int sharedObjects();

    protected MigrationTestStores stores;
    protected EventStreams streams;
    protected DefaultEventStreamMigrationService migrations;
    private final List<DefaultEventStreamMigrationService> services = new ArrayList<>();

    @BeforeEach
    void setUpStores() {
        stores = createStores();
        streams = newStreams();
        migrations = newService(streams);
    }

    @AfterEach
    void closeServices() {
        services.forEach(DefaultEventStreamMigrationService::close);
    }

    protected EventStreams newStreams() {
        return new EventStreams(EventStoreRegistry.of(stores.main(), stores.other()), stores.documents(),
                stores.tags(), EventStreamSettings.defaults().withChunkSize(50), "main");
    }

    protected DefaultEventStreamMigrationService newService(EventStreams over) {
        DefaultEventStreamMigrationService service = new DefaultEventStreamMigrationService(over, stores.locks(),
                stores.routing(), new MigrationDefaults(Duration.ofMinutes(2), Duration.ofMillis(2),
                ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
        services.add(service);
        return service;
    }

    protected static String uniqueObjectName() {
        return "Bulk" + UUID.randomUUID().toString().replace("-", "").replaceAll("[0-9]", "q").substring(0, 10);
    }

    protected static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + text + "\"}", null);
    }

    /** Creates {@code count} objects of {@code objectName} with three events each; answers their ids. */
    protected List<String> createObjects(String objectName, int count, Map<String, List<String>> written) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = "o" + i + "x" + UUID.randomUUID().toString().substring(0, 6);
            List<String> payloads = Collections.synchronizedList(new ArrayList<>());
            EventData[] events = {note(id + "-a"), note(id + "-b"), note(id + "-c")};
            streams.open(objectName, id).append(events);
            for (EventData e : events) {
                payloads.add(e.payload());
            }
            written.put(id, payloads);
            ids.add(id);
        }
        return ids;
    }

    protected List<String> payloads(String objectName, String objectId) {
        try (var all = streams.open(objectName, objectId).readAll()) {
            // a JSON store may give the payload back reformatted: compare it without white space
            return all.map(e -> e.payload().replace(" ", "")).toList();
        }
    }

    /** Fails on the event whose payload holds {@code poison}; copies every other event as it is. */
    protected static EventTransformer poisonedOn(String poison) {
        return new EventTransformer() {
            @Override
            public boolean canTransform(String type, int schemaVersion) {
                return true;
            }

            @Override
            public List<EventData> transform(StoredEvent event) {
                if (event.payload().contains(poison)) {
                    throw new IllegalStateException("cannot transform " + poison);
                }
                return List.of(event.toEventData());
            }
        };
    }

    protected long completedEntries(String objectName, String objectId) {
        return stores.routing().forObject(objectName, objectId).stream()
                .filter(e -> e.status() == MigrationStatus.COMPLETED).count();
    }

    @Test
    void storeWideMigrationUnderWritersWithOneObjectFailingUnderContinueOnError() throws Exception {
        String name = uniqueObjectName();
        int n = storeWideObjects();
        Map<String, List<String>> written = new ConcurrentHashMap<>();
        List<String> ids = createObjects(name, n, written);
        String poisoned = ids.get(n / 2);
        streams.open(name, poisoned).append(note("poison-" + poisoned));
        written.get(poisoned).add(note("poison-" + poisoned).payload());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        List<Throwable> writerErrors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                Random random = new Random(writer);
                int k = 0;
                try {
                    while (!stop.get()) {
                        String id = ids.get(random.nextInt(n));
                        EventData event = note("w" + writer + "-" + k++);
                        streams.open(name, id).append(event);
                        written.get(id).add(event.payload());
                        acknowledged.incrementAndGet();
                        Thread.sleep(1);
                    }
                } catch (Throwable e) {
                    writerErrors.add(e);
                }
            });
            t.start();
            writers.add(t);
        }
        List<BulkMigrationProgress> reports = Collections.synchronizedList(new ArrayList<>());
        BulkMigrationResult result;
        try {
            result = migrations.forStore("main")
                    .targetStore("other")
                    .transformer(poisonedOn("poison-"))
                    .maxConcurrency(8)
                    .continueOnError()
                    .progressInterval(Duration.ofMillis(200))
                    .onBulkProgress(reports::add)
                    .execute();
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(60_000);
                assertThat(t.isAlive()).as("writer %s stopped", t.getName()).isFalse();
            }
        }
        assertThat(writerErrors).isEmpty();
        assertThat(acknowledged.get()).isPositive();
        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.migrated()).isEqualTo(n - 1);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.objectId()).isEqualTo(poisoned);
            assertThat(f.error()).hasStackTraceContaining("cannot transform poison-");
        });
        assertThat(result.events()).isGreaterThanOrEqualTo(3L * (n - 1));
        assertThat(result.eventsPerSecond()).isPositive();
        assertThat(reports).isNotEmpty();
        assertThat(reports.get(reports.size() - 1).done()).isEqualTo(n);

        // the failed object is still on its source and writable
        assertThat(streams.documents().get(name, poisoned).orElseThrow().active().store()).isEqualTo("main");
        EventData after = note("after-" + poisoned);
        streams.open(name, poisoned).append(after);
        written.get(poisoned).add(after.payload());

        for (String id : ids) {
            ObjectDocument document = streams.documents().get(name, id).orElseThrow();
            if (!id.equals(poisoned)) {
                assertThat(document.active().store()).as(id).isEqualTo("other");
                assertThat(completedEntries(name, id)).as(id).isEqualTo(1);
            }
            List<String> read = payloads(name, id);
            assertThat(read).as(id).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written.get(id));
        }
    }

    @Test
    void twoRunnersShareOneBulkRunAndMigrateEachObjectOnce() {
        String name = uniqueObjectName();
        int n = sharedObjects();
        Map<String, List<String>> written = new ConcurrentHashMap<>();
        List<String> ids = createObjects(name, n, written);
        DefaultEventStreamMigrationService second = newService(newStreams());

        BulkMigrationHandle a = migrations.forObjectName(name).bulkRunId("shared-" + name).targetStore("other")
                .maxConcurrency(4).continueOnError().start();
        BulkMigrationHandle b = second.forObjectName(name).bulkRunId("shared-" + name).targetStore("other")
                .maxConcurrency(4).continueOnError().start();
        BulkMigrationResult ra = a.await();
        BulkMigrationResult rb = b.await();

        assertThat(ra.failures()).isEmpty();
        assertThat(rb.failures()).isEmpty();
        assertThat(ra.migrated() + rb.migrated()).isEqualTo(n);
        assertThat(ra.migrated() + ra.skipped()).isEqualTo(n);
        assertThat(rb.migrated() + rb.skipped()).isEqualTo(n);
        for (String id : ids) {
            ObjectDocument document = streams.documents().get(name, id).orElseThrow();
            assertThat(document.active().store()).as(id).isEqualTo("other");
            assertThat(document.terminatedStreams()).as(id).hasSize(1);
            assertThat(completedEntries(name, id)).as(id).isEqualTo(1);
            assertThat(payloads(name, id)).as(id).containsExactlyElementsOf(written.get(id));
        }
    }

    @Test
    void aRunCancelledHalfWayAndRunAgainFinishesTheRest() throws Exception {
        String name = uniqueObjectName();
        int n = sharedObjects();
        Map<String, List<String>> written = new ConcurrentHashMap<>();
        List<String> ids = createObjects(name, n, written);
        String runId = "resumable-" + name;

        BulkMigrationHandle first = migrations.forObjectName(name).bulkRunId(runId).targetStore("other")
                .maxConcurrency(4).start();
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> first.progress().migrated() >= n / 2 || first.isDone());
        first.cancel();
        BulkMigrationResult cancelled = first.await();
        assertThat(cancelled.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(cancelled.migrated()).isBetween((long) n / 2, (long) n - 1);

        BulkMigrationResult again = migrations.forObjectName(name).bulkRunId(runId).targetStore("other")
                .maxConcurrency(4).execute();
        assertThat(again.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(again.skipped()).isEqualTo(cancelled.migrated());
        assertThat(again.migrated()).isEqualTo(n - cancelled.migrated());
        for (String id : ids) {
            ObjectDocument document = streams.documents().get(name, id).orElseThrow();
            assertThat(document.active().store()).as(id).isEqualTo("other");
            assertThat(completedEntries(name, id)).as(id).isEqualTo(1);
            assertThat(payloads(name, id)).as(id).containsExactlyElementsOf(written.get(id));
        }
    }
}
