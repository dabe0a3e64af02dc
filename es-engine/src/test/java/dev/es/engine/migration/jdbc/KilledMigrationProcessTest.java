package dev.es.engine.migration.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.jdbc.JdbcLockProvider;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9 point 5 on PostgreSQL: a process running chained migrations of 20 objects under live writers is killed
 * with SIGKILL in the middle ({@link MigratingProcess}); a fresh process runs the same migrations again. No routing
 * entry stays orphaned (every one ends terminal, {@code activeMigrations()} is empty) and every event the killed
 * process's writers saw acknowledged is in its object's history exactly once.
 */
class KilledMigrationProcessTest {

    private static final Logger log = LoggerFactory.getLogger(KilledMigrationProcessTest.class);
    private static final int OBJECTS = 20;
    private static final int INITIAL_EVENTS = 120;
    private static final Duration CHILD_LEASE = Duration.ofSeconds(2);
    private static final Pattern ACK = Pattern.compile("ACK (\\S+) ([0-9a-f-]{36})");
    private static final Pattern COPYING = Pattern.compile("COPYING (\\S+) (\\d)");
    private static final Pattern DONE = Pattern.compile("DONE (\\S+) (\\d) (\\S+)");

    private PostgresTestDatabase db;
    private Process child;
    private Path childLog;

    @BeforeEach
    void database() throws IOException {
        db = PostgresTestDatabase.create();
        db.initializeSchema(MigratingProcess.MAIN);
        db.initializeSchema(MigratingProcess.OTHER);
        childLog = Files.createTempFile("es-migrating-process", ".log");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        db.close();
        Files.deleteIfExists(childLog);
    }

    /** The stores and services of one process over the test schema; this JVM plays the fresh process. */
    private record Node(EventStreams streams, JdbcLockProvider locks, JdbcMigrationRoutingTable routing,
                            DefaultEventStreamMigrationService migrations) implements AutoCloseable {

        static Node over(JdbcConnections connections) {
            EventStreams streams = new EventStreams(
                    EventStoreRegistry.of(new JdbcEventStore("main", connections, MigratingProcess.MAIN),
                            new JdbcEventStore("other", connections, MigratingProcess.OTHER)),
                    new JdbcDocumentStore(connections, MigratingProcess.MAIN),
                    new JdbcTagStore(connections, MigratingProcess.MAIN),
                    EventStreamSettings.defaults().withChunkSize(50), "main");
            JdbcLockProvider locks = new JdbcLockProvider(connections, MigratingProcess.MAIN,
                    LockSettings.defaults(), Clock.systemUTC());
            JdbcMigrationRoutingTable routing = new JdbcMigrationRoutingTable(connections, MigratingProcess.MAIN);
            DefaultEventStreamMigrationService migrations = new DefaultEventStreamMigrationService(streams, locks,
                    routing, new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                    ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                    MigrationListener.NONE, Clock.systemUTC());
            return new Node(streams, locks, routing, migrations);
        }

        @Override
        public void close() {
            migrations.close();
            locks.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aProcessKilledMidMigrationLeavesNoOrphanAndLosesNothing() throws Exception {
        // the objects, with some history
        List<String> ids = IntStream.range(0, OBJECTS)
                .mapToObj(i -> "k" + i + "-" + UUID.randomUUID().toString().substring(0, 8)).toList();
        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        try (Node setup = Node.over(db.connections())) {
            for (String id : ids) {
                List<EventData> initial = IntStream.range(0, INITIAL_EVENTS)
                        .mapToObj(i -> new EventData(null, "NoteAdded", 1, "{\"text\":\"n" + i + "\"}", null))
                        .toList();
                setup.streams().open("Order", id).append(ExpectedVersion.noStream(), initial);
                acknowledged.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                        .addAll(initial.stream().map(EventData::eventId).toList());
            }
        }

        // the process that is killed in the middle of its migrations
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                MigratingProcess.class.getName(), PostgresTestDatabase.url(), db.schema(),
                String.valueOf(CHILD_LEASE.toMillis())));
        command.addAll(ids);
        child = new ProcessBuilder(command).redirectError(childLog.toFile()).start();
        Set<String> copying = ConcurrentHashMap.newKeySet();
        Set<String> done = ConcurrentHashMap.newKeySet();
        List<String> writeFailures = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m;
                    if ((m = ACK.matcher(line)).matches()) {
                        List<String> list = acknowledged.get(m.group(1));
                        if (list != null) {
                            list.add(m.group(2));
                        }
                    } else if ((m = COPYING.matcher(line)).matches()) {
                        copying.add(m.group(1) + " " + m.group(2));
                    } else if ((m = DONE.matcher(line)).matches()) {
                        done.add(m.group(1) + " " + m.group(2));
                    } else if (line.startsWith("WRITE-FAILED")) {
                        writeFailures.add(line);
                    }
                }
            } catch (IOException e) {
                log.warn("Reading the child's output failed", e);
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();

        // kill it once second-stage migrations have finished and others are copying
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && child.isAlive()) {
            long stage2Done = done.stream().filter(s -> s.endsWith(" 2")).count();
            long stage2Copying = copying.stream().filter(s -> s.endsWith(" 2") && !done.contains(s)).count();
            if (stage2Done >= 2 && stage2Copying >= 2) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(child.isAlive()).as("child still running; its log:%n%s", childLog()).isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        reader.join(20_000);
        assertThat(reader.isAlive()).isFalse();
        log.info("Killed the child with {} migrations copying, {} done, {} events acknowledged, {} write failures",
                copying.size() - done.size(), done.size(),
                acknowledged.values().stream().mapToInt(List::size).sum() - OBJECTS * INITIAL_EVENTS,
                writeFailures.size());

        try (Node fresh = Node.over(JdbcConnections.of(db.newDataSource()))) {
            // the killed process's leases run out by themselves
            long leasesGone = System.nanoTime() + CHILD_LEASE.multipliedBy(5).toNanos();
            while (ids.stream().anyMatch(id -> fresh.locks().isLocked("migration/Order/" + id))) {
                assertThat(System.nanoTime()).as("leases of the killed process expired").isLessThan(leasesGone);
                Thread.sleep(50);
            }
            List<MigrationEntry> orphans = fresh.routing().active();
            log.info("Orphaned entries after the kill: {}", orphans);
            assertThat(orphans).as("the kill left unfinished migrations behind").isNotEmpty();
            // second-stage migrations killed while copying: the re-run of the first stage moves their object on
            List<MigrationEntry> overtaken = orphans.stream()
                    .filter(e -> e.source().store().equals("other") && !closed(fresh, e.source())).toList();
            assertThat(overtaken).as("orphans the re-run will overtake").isNotEmpty();

            // the same migrations again, from a fresh process
            ExecutorService pool = Executors.newFixedThreadPool(4);
            Map<String, List<MigrationResult>> reruns = new ConcurrentHashMap<>();
            try {
                List<Future<?>> chains = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    int stages = i % 2 == 0 ? 2 : 1;
                    chains.add(pool.submit(() -> {
                        for (int stage = 1; stage <= stages; stage++) {
                            MigrationResult result = fresh.migrations().forDocument("Order", id)
                                    .withTargetStore(stage == 1 ? "other" : "main").execute();
                            reruns.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(result);
                        }
                        return null;
                    }));
                }
                for (Future<?> chain : chains) {
                    chain.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            reruns.values().stream().flatMap(List::stream).filter(r -> !r.isSuccess())
                    .forEach(r -> log.info("Re-run refused: {}", r));

            // no orphan is left: each was resumed to completion or retired, naming where its object went
            assertThat(fresh.migrations().activeMigrations()).isEmpty();
            assertThat(fresh.routing().all()).allSatisfy(e -> assertThat(e.isActive()).as("%s", e).isFalse());
            Map<String, MigrationEntry> after = fresh.routing().all().stream()
                    .collect(Collectors.toMap(MigrationEntry::migrationId, Function.identity()));
            for (MigrationEntry orphan : orphans) {
                MigrationEntry settled = after.get(orphan.migrationId());
                assertThat(settled).isNotNull();
                if (settled.status() != MigrationStatus.COMPLETED) {
                    assertThat(settled.status()).as("%s", settled).isEqualTo(MigrationStatus.FAILED);
                    assertThat(settled.error()).as("%s", settled).startsWith("abandoned: Order/" + orphan.objectId()
                            + " moved on to ");
                }
            }
            for (MigrationEntry e : overtaken) {
                assertThat(after.get(e.migrationId()).error()).as("%s", after.get(e.migrationId()))
                        .startsWith("abandoned:");
            }

            // nothing acknowledged is lost or doubled
            for (String id : ids) {
                List<String> history;
                try (var all = fresh.streams().open("Order", id).readAll()) {
                    history = all.map(StoredEvent::eventId).toList();
                }
                Map<String, Integer> seen = new HashMap<>();
                history.forEach(e -> seen.merge(e, 1, Integer::sum));
                assertThat(seen.values()).as("%s: no event twice", id).allMatch(n -> n == 1);
                Set<String> missing = new HashSet<>(acknowledged.get(id));
                missing.removeAll(seen.keySet());
                assertThat(missing).as("%s: acknowledged events missing", id).isEmpty();
            }
        }
    }

    private static boolean closed(Node process, StreamPointer stream) {
        StoredEvent last = process.streams().stores().get(stream.store()).lastEvent(stream.streamId());
        return last != null && last.isCloseEvent();
    }

    private String childLog() {
        try {
            List<String> lines = Files.readAllLines(childLog);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
