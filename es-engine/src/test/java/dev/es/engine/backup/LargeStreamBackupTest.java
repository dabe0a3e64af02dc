package dev.es.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.backup.file.FileBackupStorage;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcTables;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 100,000-event PostgreSQL stream backed up, validated and restored in a JVM with a 40 MB heap, less than the
 * stream's events would take if any step held them all: backup and restore stream.
 */
class LargeStreamBackupTest {

    private static final Logger log = LoggerFactory.getLogger(LargeStreamBackupTest.class);
    static final int EVENTS = 100_000;
    static final String HEAP = "-Xmx40m";

    @TempDir
    Path directory;

    @Test
    void aHundredThousandEventsRoundTripInASmallHeap() throws Exception {
        Path output = directory.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), directory.resolve("backups").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = child.waitFor(5, TimeUnit.MINUTES);
        if (!exited) {
            child.destroyForcibly();
        }
        String log = Files.readString(output);
        assertThat(exited).as("the child finished in 5 minutes:\n%s", log).isTrue();
        assertThat(child.exitValue()).as("the child's exit code; its output:\n%s", log).isZero();
        assertThat(log).contains("round trip of " + EVENTS + " events done");
        LargeStreamBackupTest.log.info("Small-heap round trip: {}", log.lines()
                .filter(l -> l.contains("round trip")).findFirst().orElse(""));
    }

    /** Runs in the small-heap JVM: fills a stream, backs it up, restores it and compares, event by event. */
    public static final class Child {

        public static void main(String[] args) throws Exception {
            try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
                db.initializeSchema(JdbcTables.defaults());
                JdbcEventStore store = new JdbcEventStore("main", db.connections(), JdbcTables.defaults());
                InMemoryDocumentStore documents = new InMemoryDocumentStore();
                InMemoryTagStore tags = new InMemoryTagStore();
                EventStoreRegistry stores = EventStoreRegistry.of(store);
                EventStreams streams = new EventStreams(stores, documents, tags, EventStreamSettings.defaults(),
                        "main");
                var stream = streams.open("Order", "big");
                Instant at = Instant.parse("2026-01-01T00:00:00Z");
                for (int batch = 0; batch < EVENTS / 1000; batch++) {
                    List<EventData> events = new ArrayList<>(1000);
                    for (int i = 0; i < 1000; i++) {
                        int n = batch * 1000 + i;
                        events.add(new EventData("e-" + n, "OrderLineAdded", 1, "{\"line\":" + n
                                + ",\"sku\":\"SKU-" + (n % 997) + "\",\"quantity\":" + (n % 7 + 1)
                                + ",\"note\":\"a note that makes the payload about two hundred bytes long, as"
                                + " the benchmarks use\"}", Map.of("n", Integer.toString(n)), at.plusMillis(n)));
                    }
                    stream.append(batch == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(batch * 1000L),
                            events);
                }
                long start = System.nanoTime();
                BackupRestoreService service = new DefaultBackupRestoreService(stores, documents, tags,
                        List.of(new FileBackupStorage(Path.of(args[0]))), BackupRetention.keepAll());
                BackupDescriptor backup = service.backup("Order", "big");
                long backedUp = System.nanoTime();
                if (backup.eventCount() != EVENTS || !service.validate(backup.backupId()).isValid()) {
                    throw new IllegalStateException("backup wrong: " + backup);
                }
                RestoreResult result = service.restore(backup.backupId(),
                        RestoreOptions.inPlace().toStream("order-big-restored"));
                long restored = System.nanoTime();
                if (result.eventCount() != EVENTS) {
                    throw new IllegalStateException("restore wrote " + result.eventCount());
                }
                try (Stream<StoredEvent> original = store.stream("order-big", 1, 1000);
                     Stream<StoredEvent> copy = store.stream("order-big-restored", 1, 1000)) {
                    Iterator<StoredEvent> a = original.iterator();
                    Iterator<StoredEvent> b = copy.iterator();
                    long n = 0;
                    while (a.hasNext() && b.hasNext()) {
                        StoredEvent x = a.next();
                        StoredEvent y = b.next();
                        if (!x.equals(y)) {
                            throw new IllegalStateException("event " + n + " differs: " + x + " / " + y);
                        }
                        n++;
                    }
                    if (a.hasNext() || b.hasNext() || n != EVENTS) {
                        throw new IllegalStateException("lengths differ after " + n + " events");
                    }
                }
                log.info("round trip of {} events done with -Xmx{} MB: backup {} ms ({} bytes), restore {} ms",
                        EVENTS, Runtime.getRuntime().maxMemory() / (1024 * 1024),
                        TimeUnit.NANOSECONDS.toMillis(backedUp - start), backup.byteSize(),
                        TimeUnit.NANOSECONDS.toMillis(restored - backedUp));
            }
            System.exit(0);
        }
    }
}
