package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.store.ExpectedVersion;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child processes of {@link TwoProcessKillTest}; one main class, two roles.
 * <ul>
 * <li>{@code write}: writer threads append notes with {@code any()} to random objects ({@code Order/o0} to
 * {@code o<n-1>}) until a stop file appears; every append that returned is recorded as
 * {@code ACK <writer> <seq> <objectId> <eventId>} in the acknowledgement file (flushed line by line), every one that
 * threw as {@code ERR ...} (its outcome unknown). Exits 0 after the stop file.</li>
 * <li>{@code migrate}: a bulk run ({@code forObjectName("Order")}) of the given id to store {@code other}, each
 * copied event slowed by the given pause so that a kill finds migrations in the middle. It prints
 * {@code PROGRESS <migrated> <skipped> <failed> <running>} as it goes and {@code RESULT <status> <migrated> <skipped>
 * <failed> <cancelled>} at the end, and exits 0 when the run completed, 2 otherwise.</li>
 * </ul>
 * Arguments: role, JDBC URL, schema, blob connection string, container, then for {@code write}: objects, writers,
 * acknowledgement file, stop file; for {@code migrate}: bulk run id, pause per copied event in milliseconds.
 */
public final class TwoProcessDriver {

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private TwoProcessDriver() {
    }

    public static void main(String[] args) throws Exception {
        try (TwoProcessNode node = TwoProcessNode.open(args[1], args[2], args[3], args[4])) {
            switch (args[0]) {
                case "write" -> write(node, Integer.parseInt(args[5]), Integer.parseInt(args[6]), Path.of(args[7]),
                        Path.of(args[8]));
                case "migrate" -> migrate(node, args[5], Long.parseLong(args[6]));
                default -> throw new IllegalArgumentException("unknown role '" + args[0] + "'");
            }
        }
        System.exit(0);
    }

    private static void write(TwoProcessNode node, int objects, int writers, Path acks, Path stop) throws Exception {
        try (Writer out = new OutputStreamWriter(new FileOutputStream(acks.toFile(), true), StandardCharsets.UTF_8)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    Random random = new Random(writer);
                    for (long seq = 0; !Files.exists(stop); seq++) {
                        String objectId = "o" + random.nextInt(objects);
                        EventData note = new EventData(null, "NoteAdded", 1,
                                "{\"writer\":" + writer + ",\"seq\":" + seq + "}", null);
                        String outcome;
                        try {
                            node.streams().open("Order", objectId).append(ExpectedVersion.any(), List.of(note));
                            outcome = "ACK";
                        } catch (RuntimeException e) {
                            outcome = "ERR";
                            OUT.println("append failed: " + e);
                        }
                        record(out, outcome + " " + writer + " " + seq + " " + objectId + " " + note.eventId());
                        sleep(3);
                    }
                }, "writer-" + w);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(2).toMillis());
            }
        }
        OUT.println("WRITERS STOPPED");
    }

    private static void record(Writer out, String line) {
        synchronized (out) {
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException("cannot record " + line, e);
            }
        }
    }

    private static void migrate(TwoProcessNode node, String bulkRunId, long pauseMillis) {
        BulkMigrationResult result = node.migrations().forObjectName("Order").targetStore("other")
                .bulkRunId(bulkRunId).maxConcurrency(3).lockRetryTimeout(Duration.ofSeconds(60))
                .eachObject(b -> b.withLiveMigration(o -> o.onBeforeAppend(e -> sleep(pauseMillis))))
                .progressInterval(Duration.ofMillis(50))
                .onBulkProgress(p -> OUT.println("PROGRESS " + p.migrated() + " " + p.skipped() + " " + p.failed()
                        + " " + p.running()))
                .execute();
        OUT.println("RESULT " + result.status() + " " + result.migrated() + " " + result.skipped() + " "
                + result.failed() + " " + result.cancelled());
        result.failures().forEach(f -> OUT.println("FAILURE " + f));
        if (!result.isSuccess()) {
            System.exit(2);
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
