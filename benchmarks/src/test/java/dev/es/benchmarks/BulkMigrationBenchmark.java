package dev.es.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.BulkMigrationResult;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A store-wide bulk migration at size: {@code bench.bulk.objects} objects (10,000) of {@code bench.bulk.events}
 * events (100) each in PostgreSQL ({@code main}, documents and routing table there too), migrated to a second
 * PostgreSQL store ({@code other}) and back at each concurrency of {@code bench.bulk.concurrency} (1,4,16), in a JVM
 * whose heap is what {@code bench.jvmArgs} gives it (the figure: {@code -Xms256m -Xmx256m}). Prints objects/s,
 * events/s and the peak heap per level. Run with
 * {@code mvn -B -pl benchmarks -am test -Dtest=BulkMigrationBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * "-Dbench.jvmArgs=-Xms256m -Xmx256m"}; not part of {@code SideBySideBenchmark} (it has no reference side).
 */
class BulkMigrationBenchmark {

    @Test
    void storeWideBulkMigration() {
        int objects = Integer.getInteger("bench.bulk.objects", 10_000);
        int events = Integer.getInteger("bench.bulk.events", 100);
        int[] levels = Arrays.stream(System.getProperty("bench.bulk.concurrency", "1,4,16").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        JdbcTables other = new JdbcTables("other_");
        List<String> lines = new ArrayList<>();
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            db.initializeSchema(JdbcTables.defaults());
            db.initializeSchema(other);
            EventStreams streams = new EventStreams(EventStoreRegistry.of(
                    new JdbcEventStore("main", db.connections(), JdbcTables.defaults()),
                    new JdbcEventStore("other", db.connections(), other)),
                    new JdbcDocumentStore(db.connections(), JdbcTables.defaults()),
                    new JdbcTagStore(db.connections(), JdbcTables.defaults()), EventStreamSettings.defaults(),
                    "main");
            long seedStart = System.nanoTime();
            EventData[] batch = new EventData[events];
            for (int i = 0; i < objects; i++) {
                String id = String.format(Locale.ROOT, "o%06d", i);
                for (int e = 0; e < events; e++) {
                    batch[e] = EventData.of("NoteAdded", "{\"object\":\"" + id + "\",\"n\":" + e + "}");
                }
                streams.open("Order", id).append(batch);
            }
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            lines.add(String.format(Locale.ROOT, "seeded %,d objects x %d events in %.1f s", objects, events,
                    seedSeconds));
            String from = "main";
            String to = "other";
            for (int concurrency : levels) {
                resetPeaks();
                try (DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams,
                        new InMemoryLockProvider(), new JdbcMigrationRoutingTable(db.connections(),
                        JdbcTables.defaults()))) {
                    BulkMigrationResult r = migrations.forStore(from).targetStore(to).maxConcurrency(concurrency)
                            .execute();
                    assertThat(r.status()).as(r.failures().toString()).isEqualTo(MigrationStatus.COMPLETED);
                    assertThat(r.migrated()).isEqualTo(objects);
                    assertThat(r.events()).isEqualTo((long) objects * events);
                    lines.add(String.format(Locale.ROOT,
                            "concurrency %2d: %s -> %s, %,d objects, %,d events in %.1f s: %,.0f objects/s,"
                                    + " %,.0f events/s, peak heap %d MiB of %d MiB",
                            concurrency, from, to, r.migrated(), r.events(), r.duration().toMillis() / 1000.0,
                            r.objectsPerSecond(), r.eventsPerSecond(), peakHeapMiB(),
                            Runtime.getRuntime().maxMemory() / (1024 * 1024)));
                }
                String swap = from;
                from = to;
                to = swap;
                System.out.println(lines.get(lines.size() - 1));
            }
        }
        System.out.println();
        System.out.println("==== es bulk migration benchmark (" + Runtime.getRuntime().availableProcessors()
                + " cores, " + System.getProperty("java.version") + ", PostgreSQL to PostgreSQL) ====");
        lines.forEach(System.out::println);
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }
}
