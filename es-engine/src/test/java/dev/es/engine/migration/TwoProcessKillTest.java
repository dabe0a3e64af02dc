package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 15, two processes and one SIGKILL, on the machine's PostgreSQL and a fresh Azurite: one JVM writes notes to
 * 30 objects without pause ({@link TwoProcessDriver} {@code write}), another migrates every object from PostgreSQL to
 * Azure Blob in one bulk run ({@code migrate}). The migrating JVM is killed with SIGKILL in the middle of the run and
 * started again with the same bulk run id; it resumes and completes while the writer keeps writing. Then every
 * object's history, read through a fresh {@code EventStreams}, holds every acknowledged event exactly once, each
 * writer's events in the order it wrote them, nothing that was never written, contiguous versions and no close
 * event; every document's active stream is its target in Azure Blob, reached from the closed source.
 */
@Tag("design-5")
class TwoProcessKillTest {

    private static final Logger log = LoggerFactory.getLogger(TwoProcessKillTest.class);
    private static final int OBJECTS = 30;
    private static final int INITIAL_EVENTS = 60;
    private static final int WRITERS = 4;

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private PostgresTestDatabase db;
    private String container;
    private Path work;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void stores() throws IOException {
        db = PostgresTestDatabase.create();
        db.initializeSchema(TwoProcessNode.TABLES);
        container = AZURITE.newContainer().getBlobContainerName();
        work = Files.createTempDirectory("es-two-process");
    }

    @AfterEach
    void cleanUp() throws IOException {
        children.forEach(c -> c.process.destroyForcibly());
        db.close();
        try (var files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(work);
    }

    /** A child JVM, its output read by a daemon thread: marker lines kept, the rest kept as a short tail. */
    private static final class Child {
        final Process process;
        final List<String> markers = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Deque<String> tail = new ArrayDeque<>();

        Child(Process process, String name) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("PROGRESS ") || line.startsWith("RESULT ")
                                || line.startsWith("FAILURE ") || line.startsWith("WRITERS ")) {
                            markers.add(line);
                        }
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > 60) {
                                tail.removeFirst();
                            }
                        }
                    }
                } catch (IOException e) {
                    log.debug("Output of {} ended", name, e);
                }
            }, name + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        boolean saw(Predicate<String> marker) {
            return markers.stream().anyMatch(marker);
        }

        String tail() {
            synchronized (tail) {
                return String.join(System.lineSeparator(), tail);
            }
        }
    }

    private Child start(String name, String... roleArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), TwoProcessDriver.class.getName(), roleArgs[0],
                PostgresTestDatabase.url(), db.schema(), AZURITE.connectionString(), container));
        command.addAll(List.of(roleArgs).subList(1, roleArgs.length));
        Child child = new Child(new ProcessBuilder(command).redirectErrorStream(true).start(), name);
        children.add(child);
        return child;
    }

    private static void waitFor(String what, Child child, long seconds, Predicate<Child> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.test(child)) {
            assertThat(System.nanoTime() - deadline).as("%s within %d s; the child's last output:%n%s", what,
                    seconds, child.tail()).isNegative();
            Thread.sleep(10);
        }
    }

    private static long progress(String line, int field) {
        return Long.parseLong(line.split(" ")[field]);
    }

    /** An acknowledgement file line: ACK or ERR, writer, its sequence number, object, event id. */
    private record Write(boolean acknowledged, int writer, long seq, String objectId, String eventId) {
        static Write parse(String line) {
            String[] f = line.split(" ");
            return new Write(f[0].equals("ACK"), Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3], f[4]);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    @DisplayName("design 5: a migrating process killed by SIGKILL mid bulk run is resumed by a re-run; nothing "
            + "acknowledged is lost, doubled or reordered")
    void aMigratingProcessKilledMidRunIsResumedAndNothingIsLost() throws Exception {
        Map<String, List<String>> initial = new HashMap<>();
        try (TwoProcessNode setup = TwoProcessNode.open(PostgresTestDatabase.url(), db.schema(),
                AZURITE.connectionString(), container)) {
            for (int i = 0; i < OBJECTS; i++) {
                List<EventData> events = IntStream.range(0, INITIAL_EVENTS)
                        .mapToObj(n -> new EventData(null, "NoteAdded", 1, "{\"initial\":" + n + "}", null))
                        .toList();
                setup.streams().open("Order", "o" + i).append(ExpectedVersion.noStream(), events);
                initial.put("o" + i, events.stream().map(EventData::eventId).toList());
            }
        }
        Path acks = work.resolve("acks.txt");
        Path stop = work.resolve("stop");
        Child writer = start("writer", "write", String.valueOf(OBJECTS), String.valueOf(WRITERS), acks.toString(),
                stop.toString());
        waitFor("the writer's first 100 acknowledged appends", writer, 30,
                c -> lines(acks) >= 100 || !c.process.isAlive());
        assertThat(writer.process.isAlive()).as("writer running; its output:%n%s", writer.tail()).isTrue();

        // the first migrating process, killed while some objects are migrated and others are being copied
        String bulkRunId = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        String lastProgress;
        try (TwoProcessNode look = TwoProcessNode.open(PostgresTestDatabase.url(), db.schema(),
                AZURITE.connectionString(), container)) {
            Child first = start("migrator-1", "migrate", bulkRunId, "4");
            waitFor("a third of the objects migrated and another one copying", first, 60,
                    c -> !c.process.isAlive() || c.saw(l -> l.startsWith("PROGRESS ") && progress(l, 1) >= OBJECTS / 3)
                            && look.routing().active().stream().anyMatch(e -> e.phase() == MigrationPhase.CATCH_UP));
            assertThat(first.process.isAlive()).as("killed before it finished; its output:%n%s", first.tail())
                    .isTrue();
            first.process.destroyForcibly(); // SIGKILL on Linux
            assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(first.process.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
            lastProgress = first.markers.stream().filter(l -> l.startsWith("PROGRESS ")).reduce((a, b) -> b)
                    .orElseThrow();
            List<MigrationEntry> orphans = look.routing().active();
            log.info("Killed the migrating process at {}, leaving {} unfinished migration(s)", lastProgress,
                    orphans.size());
            assertThat(orphans).as("migrations the kill left unfinished").isNotEmpty();
        }

        // the same run again, in a new process: it resumes what was left and completes
        Child second = start("migrator-2", "migrate", bulkRunId, "0");
        assertThat(second.process.waitFor(90, TimeUnit.SECONDS)).as("re-run finished; its output:%n%s",
                second.tail()).isTrue();
        assertThat(second.process.exitValue()).as("re-run completed; its output:%n%s", second.tail()).isZero();
        String result = second.markers.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
        String[] r = result.split(" ");
        assertThat(r[1]).isEqualTo("COMPLETED");
        assertThat(Long.parseLong(r[2]) + Long.parseLong(r[3])).as(result).isEqualTo(OBJECTS);
        assertThat(Long.parseLong(r[3])).as("objects the killed process had finished, skipped: %s", result)
                .isGreaterThanOrEqualTo(progress(lastProgress, 1));

        // the writer goes on a little on the targets, then stops
        long written = lines(acks);
        waitFor("more appends after the re-run", writer, 30, c -> lines(acks) >= written + 50 || !c.process.isAlive());
        Files.createFile(stop);
        assertThat(writer.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.process.exitValue()).as("writer's output:%n%s", writer.tail()).isZero();

        List<Write> writes = Files.readAllLines(acks).stream().map(Write::parse).toList();
        check(initial, writes);
    }

    private void check(Map<String, List<String>> initial, List<Write> writes) {
        Map<String, Write> byId = new HashMap<>();
        writes.forEach(w -> byId.put(w.eventId(), w));
        long refused = writes.stream().filter(w -> !w.acknowledged()).count();
        log.info("{} appends acknowledged, {} with an unknown outcome", writes.size() - refused, refused);
        try (TwoProcessNode fresh = TwoProcessNode.open(PostgresTestDatabase.url(), db.schema(),
                AZURITE.connectionString(), container)) {
            assertThat(fresh.routing().active()).as("unfinished migrations").isEmpty();
            for (int i = 0; i < OBJECTS; i++) {
                String id = "o" + i;
                ObjectDocument document = fresh.streams().documents().get("Order", id).orElseThrow();
                StreamPointer source = new StreamPointer("order-" + id, "main");
                assertThat(document.active().store()).as("%s: active stream on the target store", id)
                        .isEqualTo("other");
                CloseEvent close = fresh.streams().stores().get("main").closeEvent(source.streamId());
                assertThat(close).as("%s: source closed", id).isNotNull();
                assertThat(new StreamPointer(close.continuationStreamId(), close.continuationStore()))
                        .as("%s: the source's continuation is the active stream", id).isEqualTo(document.active());

                List<StoredEvent> history;
                try (var all = fresh.streams().open("Order", id).readAll()) {
                    history = all.toList();
                }
                assertThat(history).as("%s: no close event visible", id).noneMatch(StoredEvent::isCloseEvent);
                assertThat(history).extracting(StoredEvent::version).as("%s: contiguous versions", id)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
                List<String> ids = history.stream().map(StoredEvent::eventId).toList();
                assertThat(ids).as("%s: no event twice", id).doesNotHaveDuplicates();
                assertThat(ids.subList(0, INITIAL_EVENTS)).as("%s: the initial events first", id)
                        .containsExactlyElementsOf(initial.get(id));
                Set<String> present = new HashSet<>(ids);
                List<String> missing = writes.stream()
                        .filter(w -> w.acknowledged() && w.objectId().equals(id) && !present.contains(w.eventId()))
                        .map(Write::eventId).toList();
                assertThat(missing).as("%s: acknowledged events missing", id).isEmpty();
                Map<Integer, Long> lastSeq = new HashMap<>();
                for (String eventId : ids.subList(INITIAL_EVENTS, ids.size())) {
                    Write w = byId.get(eventId);
                    assertThat(w).as("%s: event %s was never written", id, eventId).isNotNull();
                    assertThat(w.objectId()).as("event %s written to %s", eventId, w.objectId()).isEqualTo(id);
                    Long before = lastSeq.put(w.writer(), w.seq());
                    assertThat(before == null || before < w.seq()).as("%s: writer %d's events in its order (%s"
                            + " after %s)", id, w.writer(), w.seq(), before).isTrue();
                }
            }
        }
    }

    private static long lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            try (var lines = Files.lines(file)) {
                return lines.count();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
