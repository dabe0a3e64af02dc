package dev.es.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Side-by-side measurements of the three stores in one run, printed as a report: append throughput (single events
 * and batches of 100), the cost of an append on a short and on a long stream (design section 4 point 5), the
 * catch-up rate of live migrations, and the heap the memory store takes per event. Run with
 * {@code mvn -pl benchmarks -am test -Dtest=StoreBenchmark -Dsurefire.failIfNoSpecifiedTests=false}; it needs
 * PostgreSQL and installs/starts Azurite like the tests.
 */
class StoreBenchmark {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static PostgresTestDatabase db;
    private static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void database() {
        db = PostgresTestDatabase.create();
        db.initializeSchema(JdbcTables.defaults());
    }

    @AfterAll
    static void printReport() {
        db.close();
        System.out.println();
        System.out.println("==== es store benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.version") + ") ====");
        report.forEach(System.out::println);
        System.out.println("====");
    }

    private record Subject(String label, Supplier<EventStore> store, int singles, int batches, int longStream) {
    }

    private static final String PAYLOAD = "{\"text\":\"a note of some forty characters....\",\"n\":1}";

    private static List<EventData> batch(int size) {
        return IntStream.range(0, size).mapToObj(i -> new EventData(null, "NoteAdded", 1, PAYLOAD, null)).toList();
    }

    private static String line(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    @Test
    void report() throws Exception {
        List<Subject> subjects = List.of(
                new Subject("memory", () -> new InMemoryEventStore("main"), 20_000, 400, 1_000_000),
                new Subject("jdbc", () -> new JdbcEventStore("main", db.connections(), JdbcTables.defaults()), 2_000,
                        100, 100_000),
                new Subject("blob", () -> new BlobEventStore(AZURITE.newContainer(), "main"), 300, 30, 10_000));

        report.add(line("%-8s %14s %14s %8s | %16s %16s %7s", "store", "single ev/s", "batch100 ev/s", "ratio",
                "append@100 ms", "append@long ms", "ratio"));
        for (Subject s : subjects) {
            EventStore store = s.store().get();
            // warm-up
            appendSingles(store, "warm-" + UUID.randomUUID(), Math.min(200, s.singles()));

            double singles = s.singles() / seconds(() -> appendSingles(store, "s-" + UUID.randomUUID(), s.singles()));
            double batched = s.batches() * 100.0 / seconds(() -> {
                String id = "b-" + UUID.randomUUID();
                for (int i = 0; i < s.batches(); i++) {
                    store.append(id, ExpectedVersion.exactly(i * 100L), batch(100));
                }
            });

            String shortId = "short-" + UUID.randomUUID();
            store.append(shortId, ExpectedVersion.noStream(), batch(100));
            String longId = "long-" + UUID.randomUUID();
            for (int filled = 0; filled < s.longStream(); filled += 1000) {
                store.append(longId, ExpectedVersion.exactly(filled), batch(1000));
            }
            int probes = Math.min(200, s.singles() / 5);
            double shortMs = seconds(() -> appendSingles(store, shortId, probes)) * 1000 / probes;
            double longMs = seconds(() -> appendSingles(store, longId, probes)) * 1000 / probes;
            report.add(line("%-8s %14.0f %14.0f %7.1fx | %16.3f %16.3f %6.2fx", s.label(), singles, batched,
                    batched / singles, shortMs, longMs, longMs / shortMs) + "   (long = " + s.longStream()
                    + " events)");
        }

        report.add("");
        report.add(line("%-16s %10s %12s %10s", "migration", "events", "seconds", "events/s"));
        migrate("memory->memory", new InMemoryEventStore("main"), new InMemoryEventStore("other"), 200_000);
        migrate("jdbc->jdbc", new JdbcEventStore("main", db.connections(), JdbcTables.defaults()),
                new JdbcEventStore("other", db.connections(), JdbcTables.defaults()), 50_000);
        migrate("memory->blob", new InMemoryEventStore("main"),
                new BlobEventStore(AZURITE.newContainer(), "other"), 20_000);
        migrate("blob->jdbc", new BlobEventStore(AZURITE.newContainer(), "main"),
                new JdbcEventStore("other", db.connections(), JdbcTables.defaults()), 20_000);

        report.add("");
        InMemoryEventStore heapStore = new InMemoryEventStore("heap");
        long before = usedHeap();
        String heapId = "heap-" + UUID.randomUUID();
        for (int i = 0; i < 1000; i++) {
            heapStore.append(heapId, ExpectedVersion.exactly(i * 1000L), batch(1000));
        }
        long after = usedHeap();
        assertThat(heapStore.version(heapId)).isEqualTo(1_000_000);
        report.add(line("memory store heap: %.0f bytes per event for 1,000,000 events of a %d-byte payload",
                (after - before) / 1_000_000.0, PAYLOAD.length()));
    }

    private void migrate(String label, EventStore source, EventStore target, int events) throws Exception {
        EventStreams streams = new EventStreams(EventStoreRegistry.of(source, target), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults(), "main");
        String id = "m" + UUID.randomUUID().toString().substring(0, 8);
        var stream = streams.open("Order", id);
        for (int filled = 0; filled < events; filled += 1000) {
            stream.append(ExpectedVersion.exactly(filled), batch(1000));
        }
        try (var migrations = new DefaultEventStreamMigrationService(streams, new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable())) {
            MigrationResult[] result = new MigrationResult[1];
            double took = seconds(() -> result[0] = migrations.forDocument("Order", id).withTargetStore("other")
                    .execute());
            assertThat(result[0].isSuccess()).isTrue();
            report.add(line("%-16s %10d %12.2f %10.0f", label, events, took, events / took));
        }
    }

    private static void appendSingles(EventStore store, String streamId, int count) {
        long version = store.version(streamId);
        for (int i = 0; i < count; i++) {
            store.append(streamId, ExpectedVersion.exactly(version++), batch(1));
        }
    }

    private static double seconds(Runnable work) {
        long started = System.nanoTime();
        work.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
