package dev.es.engine.migration.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.jdbc.JdbcConnections;
import dev.es.engine.store.jdbc.JdbcDocumentStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.JdbcMigrationRoutingTable;
import dev.es.engine.store.jdbc.JdbcTagStore;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator-gated cutover on PostgreSQL: a process whose migration waits for its cutover is killed with SIGKILL
 * ({@link AwaitingCutoverProcess}); writers go on meanwhile. Running the same migration again from a fresh process
 * continues it under the same id, catches up and waits again for its cutover (the definition still asks for one);
 * the cutover then happens on request and the object's history holds every event once.
 */
class KilledWhileAwaitingCutoverTest {

    private static final Duration CHILD_LEASE = Duration.ofSeconds(2);

    private PostgresTestDatabase db;
    private Process child;
    private Path childLog;

    @BeforeEach
    void database() throws IOException {
        db = PostgresTestDatabase.create();
        db.initializeSchema(MigratingProcess.MAIN);
        db.initializeSchema(MigratingProcess.OTHER);
        childLog = Files.createTempFile("es-awaiting-cutover", ".log");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        db.close();
        Files.deleteIfExists(childLog);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aMigrationKilledWhileWaitingForItsCutoverIsContinuedByARerunThatWaitsAgain() throws Exception {
        JdbcConnections connections = JdbcConnections.of(db.newDataSource());
        EventStreams streams = new EventStreams(
                EventStoreRegistry.of(new JdbcEventStore("main", connections, MigratingProcess.MAIN),
                        new JdbcEventStore("other", connections, MigratingProcess.OTHER)),
                new JdbcDocumentStore(connections, MigratingProcess.MAIN),
                new JdbcTagStore(connections, MigratingProcess.MAIN),
                EventStreamSettings.defaults().withChunkSize(10), "main");
        String id = "w-" + System.nanoTime();
        streams.open("Order", id).append(ExpectedVersion.noStream(), IntStream.range(0, 50)
                .mapToObj(i -> new EventData(null, "NoteAdded", 1, "{\"text\":\"n" + i + "\"}", null)).toList());

        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AwaitingCutoverProcess.class.getName(),
                PostgresTestDatabase.url(), db.schema(), String.valueOf(CHILD_LEASE.toMillis()), id)
                .redirectError(childLog.toFile()).start();
        // its log lines go to standard output too: the first line of its own is the one we wait for
        String line;
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        do {
            line = in.readLine();
        } while (line != null && !line.startsWith("AWAITING "));
        assertThat(line).as("child's log:%n%s", childLog()).startsWith("AWAITING ").endsWith(" AWAITING_CUTOVER");
        String migrationId = line.split(" ")[1];
        JdbcMigrationRoutingTable routing = new JdbcMigrationRoutingTable(connections, MigratingProcess.MAIN);
        assertThat(routing.get(migrationId).orElseThrow().status()).isEqualTo(MigrationStatus.AWAITING_CUTOVER);

        child.destroyForcibly();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        in.close();
        // writers go on while no process runs the migration
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(
                new EventData(null, "NoteAdded", 1, "{\"text\":\"after the kill\"}", null)));

        try (JdbcLockProvider locks = new JdbcLockProvider(connections, MigratingProcess.MAIN,
                LockSettings.defaults(), Clock.systemUTC());
             DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams, locks,
                     routing, new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(20),
                     ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO),
                     MigrationListener.NONE, Clock.systemUTC())) {
            long leaseGone = System.nanoTime() + CHILD_LEASE.multipliedBy(5).toNanos();
            while (locks.isLocked("migration/Order/" + id)) {
                assertThat(System.nanoTime()).as("the killed process's lease expired").isLessThan(leaseGone);
                Thread.sleep(50);
            }
            MigrationHandle rerun = migrations.forDocument("Order", id).withTargetStore("other")
                    .withManualCutover().start();
            assertThat(rerun.migrationId()).isEqualTo(migrationId);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!rerun.isCutoverReady()) {
                assertThat(System.nanoTime()).as("the re-run waits for its cutover").isLessThan(deadline);
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertThat(rerun.isDone()).isFalse();
            StreamPointer source = new StreamPointer("order-" + id, "main");
            StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
            assertThat(streams.stores().get("main").closeEvent(source.streamId())).isNull();
            assertThat(streams.stores().get("other").version(target.streamId())).isEqualTo(51);

            assertThat(rerun.cutover()).isTrue();
            assertThat(rerun.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(streams.document("Order", id).active()).isEqualTo(target);
            List<String> history;
            try (var all = streams.open("Order", id).readAll()) {
                history = all.map(StoredEvent::eventId).toList();
            }
            assertThat(history).hasSize(51).doesNotHaveDuplicates();

            MigrationEntry entry = routing.get(migrationId).orElseThrow();
            List<String> trail = new ArrayList<>();
            for (MigrationAuditRecord r : entry.audit()) {
                trail.add(r.status() + " by " + r.requestedBy());
            }
            assertThat(trail).containsSubsequence("AWAITING_CUTOVER by migration", "PAUSED by migration",
                    "IN_PROGRESS by api", "AWAITING_CUTOVER by migration", "IN_PROGRESS by api",
                    "COMPLETED by migration");
        }
    }

    private String childLog() {
        try {
            return String.join(System.lineSeparator(), Files.readAllLines(childLog));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
