package dev.es.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import dev.es.benchmarks.Backends.Kind;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.engine.store.blob.BlobEventStore;
import dev.es.engine.store.jdbc.JdbcEventStore;
import dev.es.engine.store.jdbc.PostgresTestDatabase;
import dev.es.engine.store.memory.InMemoryEventStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The benchmark harness of issue 10: each figure side by side with its reference in this one JVM, in interleaved
 * rounds, reported as medians and paired ratios in {@code benchmarks/results/<date>.md}. Run it with
 * {@code scripts/bench.sh} (or {@code scripts/bench.sh --quick}); docs/benchmarks.md says what each figure means.
 * It needs PostgreSQL (each side in a schema of its own of the same database) and starts Azurite like the tests.
 */
class SideBySideBenchmark {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static PostgresTestDatabase esDb;
    private static PostgresTestDatabase rawDb;
    private static PostgresTestDatabase axonDb;

    private final BenchSettings settings = BenchSettings.fromSystemProperties();
    private final Report report = new Report();
    private final List<String> failures = new ArrayList<>();
    /** One line per row that has a target: "met: ..." or "MISSED: ...". */
    private final List<String> verdicts = new ArrayList<>();

    @BeforeAll
    static void databases() {
        esDb = PostgresTestDatabase.create();
        esDb.initializeSchema(Backends.MAIN);
        esDb.initializeSchema(Backends.OTHER);
        rawDb = PostgresTestDatabase.create();
        axonDb = PostgresTestDatabase.create();
    }

    @AfterAll
    static void dropDatabases() {
        for (PostgresTestDatabase db : new PostgresTestDatabase[] {esDb, rawDb, axonDb}) {
            if (db != null) {
                db.close();
            }
        }
    }

    @FunctionalInterface
    private interface Figure {
        void run() throws Exception;
    }

    @Test
    void sideBySide() throws Exception {
        Instant started = Instant.now();
        Backends backends = new Backends(esDb, AZURITE);
        header(started);
        figure(1, "Appends per store vs the raw minimum", this::appendsPerStore);
        figure(2, "PostgreSQL appends vs Axon Framework's JdbcEventStorageEngine", this::appendsVsAxon);
        figure(3, "Migration copy throughput vs a raw page copy", () -> copies(backends));
        figure(4, "Writer latency during a live migration of the object they write", () -> liveMigrations(backends));
        figure(5, "Memory store heap per event", this::heap);
        figure(6, "Backup and restore throughput vs a plain read of the same stream", () -> backups(backends));
        if (!verdicts.isEmpty()) {
            report.blank();
            report.line("## Targets (issues 10 and 12)");
            report.blank();
            long missed = verdicts.stream().filter(v -> v.startsWith("MISSED")).count();
            report.line("%d of %d checked rows meet their target%s", verdicts.size() - missed, verdicts.size(),
                    missed == 0 ? "." : "; missed:");
            verdicts.stream().filter(v -> v.startsWith("MISSED")).forEach(v -> report.line("- %s", v.substring(8)));
        }
        report.blank();
        Instant finished = Instant.now();
        report.line("Finished %s, %d s after the start; load average at the end %.2f.",
                finished.truncatedTo(ChronoUnit.SECONDS), finished.getEpochSecond() - started.getEpochSecond(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        Path out = Paths.get(System.getProperty("bench.output",
                "results/" + LocalDate.now() + (settings.quick() ? "-quick" : "") + ".md"));
        report.write(out);
        if (Boolean.parseBoolean(System.getProperty("bench.print", "true"))) {
            System.out.println();
            System.out.println(report.text());
        }
        progress("report written to " + out.toAbsolutePath());
        assertThat(failures).as("figures that failed (see the report)").isEmpty();
    }

    private void figure(int number, String title, Figure figure) {
        if (!settings.runs(number)) {
            return;
        }
        report.blank();
        report.line("## %d. %s", number, title);
        report.blank();
        progress("figure " + number + ": " + title);
        try {
            figure.run();
        } catch (Throwable e) {
            report.blank();
            report.line("**Figure %d failed:** `%s`", number, e);
            failures.add("figure " + number + ": " + e);
            e.printStackTrace();
        }
    }

    // ------------------------------------------------------------------ header

    private void header(Instant started) throws Exception {
        report.line("# es benchmark, %s%s", LocalDate.now(),
                settings.quick() ? " (QUICK RUN: small sizes, not for comparison)" : "");
        report.blank();
        report.line("- Command: `%s`", System.getProperty("bench.command",
                "mvn -B -pl benchmarks -am test -Dtest=SideBySideBenchmark -Dsurefire.failIfNoSpecifiedTests=false"));
        String commit = System.getProperty("bench.commit", "");
        if (!commit.isBlank()) {
            report.line("- Commit: %s", commit);
        }
        report.line("- Started: %s", started.truncatedTo(ChronoUnit.SECONDS));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        report.line("- Machine: %d cores (%s), %.1f GiB memory, %s %s; load average at the start %.2f",
                Runtime.getRuntime().availableProcessors(), cpuModel(),
                os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
                System.getProperty("os.name"), System.getProperty("os.version"), os.getSystemLoadAverage());
        report.line("- Java: %s (%s), max heap %d MiB", System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        report.line("- PostgreSQL: %s on %s (es, the plain INSERT and Axon each in a schema of their own)",
                postgresVersion(), PostgresTestDatabase.url().replaceAll("\\?.*", ""));
        report.line("- Azurite: %s (in-memory persistence, loopback)", azuriteVersion());
        report.line("- Axon Framework: %s", axonVersion());
        report.line("- Events: ~200-byte JSON payloads (%d bytes) everywhere", Events.PAYLOAD.length());
        report.line("- Sizes: %s", settings.describe());
        report.blank();
        report.line("Every row runs es (A) and its reference (B) in this JVM in interleaved rounds (A, B, A, B, ...);"
                + " the figures are medians over the rounds. *Ratio of medians* = median(A) / median(B); *median"
                + " ratio* = the median of the per-round ratios A_i / B_i, which is what the targets are checked"
                + " against. See docs/benchmarks.md for what each figure measures.");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String postgresVersion() {
        try (Connection c = esDb.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            return rs.next() ? rs.getString(1) : "?";
        } catch (Exception e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private static String azuriteVersion() {
        try {
            String home = System.getProperty("azurite.home", "");
            String json = Files.readString(Paths.get(home, "node_modules", "azurite", "package.json"));
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? m.group(1) : "?";
        } catch (Exception e) {
            return "?";
        }
    }

    private static String axonVersion() {
        Package p = org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine.class.getPackage();
        String v = p.getImplementationVersion();
        return v != null ? v : System.getProperty("bench.axonVersion", "4.13.x");
    }

    // ------------------------------------------------------------------ figures 1 and 2

    private static final int[][] SHAPES = {{1, 1}, {100, 1}, {1, 4}, {100, 4}};

    private void appendsPerStore() throws Exception {
        report.line("Appends with exact expected versions, back to back, each writer to a stream of its own (new each"
                + " round, primed before the clock starts). References: memory - a synchronized list per stream"
                + " with a version check; jdbc - one plain multi-row INSERT into a table with a unique (stream_id,"
                + " version), auto-commit; blob - one `appendBlock` with an append-position condition on an append"
                + " blob of the same Azurite.");
        report.blank();
        report.header("<store", "batch", "writers", "es ev/s", "raw ev/s", "ratio of medians", "median ratio",
                "<target");
        for (Kind kind : Kind.values()) {
            AppendTarget es;
            AppendTarget raw;
            switch (kind) {
                case MEMORY -> {
                    es = Targets.es(new InMemoryEventStore("main"));
                    raw = Targets.rawMemory();
                }
                case JDBC -> {
                    es = Targets.es(new JdbcEventStore("main", esDb.connections(), Backends.MAIN));
                    raw = Targets.rawJdbc(rawDb.dataSource());
                }
                default -> {
                    es = Targets.es(new BlobEventStore(AZURITE.newContainer(), "main"));
                    raw = Targets.rawBlob(AZURITE.newContainer());
                }
            }
            for (int[] shape : SHAPES) {
                int batch = shape[0];
                int writers = shape[1];
                double target = switch (kind) {
                    case JDBC -> batch == 100 && writers == 4 ? 0 : 0.85;
                    case BLOB -> writers == 1 ? 0.8 : 0;
                    default -> 0;
                };
                appendRow(kind.label, batch, writers, es, raw, target);
            }
        }
    }

    private void appendsVsAxon() throws Exception {
        report.line("es's PostgreSQL store against Axon Framework's `JdbcEventStorageEngine` (a plain DataSource,"
                + " `NoTransactionManager`, Jackson serializer, `DomainEventMessage`s with sequence numbers, one"
                + " aggregate per writer) on the same database, each in its own schema.");
        report.blank();
        report.header("<store", "batch", "writers", "es ev/s", "Axon ev/s", "ratio of medians", "median ratio",
                "<target");
        AppendTarget es = Targets.es(new JdbcEventStore("main", esDb.connections(), Backends.MAIN));
        AppendTarget axon = Targets.axon(axonDb.dataSource());
        for (int[] shape : new int[][] {{1, 1}, {100, 1}, {1, 4}}) {
            appendRow("jdbc vs Axon", shape[0], shape[1], es, axon, 1.0);
        }
    }

    private void appendRow(String label, int batch, int writers, AppendTarget es, AppendTarget reference,
                           double target) {
        progress("  " + label + " batch " + batch + ", " + writers + " writer(s): " + es.label() + " vs "
                + reference.label());
        try {
            Paired p = Paired.run(1, settings.rounds(),
                    warmUp -> Throughput.measure(es, writers, batch, warmUp ? settings.warmUpWindow()
                            : settings.window(), settings.maxEventsPerRound()),
                    warmUp -> Throughput.measure(reference, writers, batch, warmUp ? settings.warmUpWindow()
                            : settings.window(), settings.maxEventsPerRound()));
            report.row(label, batch, writers, Report.rate(p.medianA()), Report.rate(p.medianB()),
                    Report.ratio(p.ratioOfMedians()), Report.ratio(p.medianOfRatios()),
                    target > 0 ? Report.atLeast(p.medianOfRatios(), target) : "");
            if (target > 0) {
                verdict(p.medianOfRatios() >= target, String.format(Locale.ROOT, "%s, batch %d, %d writer(s): %s"
                        + " (target ≥ %.2f)", label, batch, writers, Report.ratio(p.medianOfRatios()), target));
            }
        } catch (Exception e) {
            report.row(label, batch, writers, "error", "", "", "", "`" + e + "`");
            failures.add(label + " batch " + batch + " writers " + writers + ": " + e);
            e.printStackTrace();
        }
    }

    // ------------------------------------------------------------------ figure 3

    private void copies(Backends backends) throws Exception {
        report.line("A whole migration (no writers; default settings; from `start` to its result, so the lock, the"
                + " close and the cutover are in it) of an object of *n* events to another store, against a raw page"
                + " copy: `read()` a page of the source store (the migration's page size), append it to the target"
                + " store with an exact version (keeping each event's id and recordedAt), loop. Documents, locks and the routing"
                + " table are in PostgreSQL when either store is, else in Azure Blob, else in memory.");
        report.blank();
        report.line("The last column is the median time of a whole migration of an object of one event, the same way: what"
                + " a migration costs besides the copy (lock, fences, routing entries, close, cutover, book closing).");
        report.blank();
        report.header("<pair", "events", "migration ev/s", "raw copy ev/s", "ratio of medians", "median ratio",
                "<target", "1-event migration");
        int[] sizes = settings.copyEvents();
        List<CopyFigure.Pair> pairs = List.of(
                new CopyFigure.Pair(Kind.JDBC, Kind.JDBC, sizes[1], true),
                new CopyFigure.Pair(Kind.MEMORY, Kind.BLOB, sizes[2], true),
                new CopyFigure.Pair(Kind.BLOB, Kind.JDBC, sizes[3], true),
                new CopyFigure.Pair(Kind.MEMORY, Kind.MEMORY, sizes[0], false));
        CopyFigure figure = new CopyFigure(backends, AZURITE.newContainer());
        for (CopyFigure.Pair pair : pairs) {
            progress("  " + pair.label() + ", " + pair.events() + " events");
            try {
                CopyFigure.Result result = figure.run(pair, settings.copyRounds());
                Paired p = result.copy();
                report.row(pair.label(), pair.events(), Report.rate(p.medianA()), Report.rate(p.medianB()),
                        Report.ratio(p.ratioOfMedians()), Report.ratio(p.medianOfRatios()),
                        pair.targeted() ? Report.atLeast(p.medianOfRatios(), 0.8) : "",
                        String.format(Locale.ROOT, "%.0f ms", result.fixed() * 1000));
                if (pair.targeted()) {
                    verdict(p.medianOfRatios() >= 0.8, String.format(Locale.ROOT, "migration copy %s: %s (target"
                            + " ≥ 0.80)", pair.label(), Report.ratio(p.medianOfRatios())));
                }
            } catch (Exception e) {
                report.row(pair.label(), pair.events(), "error", "", "", "", "`" + e + "`", "");
                failures.add(pair.label() + ": " + e);
                e.printStackTrace();
            }
        }
    }

    // ------------------------------------------------------------------ figure 4

    private void liveMigrations(Backends backends) throws Exception {
        report.line("Writers append one event at a time, back to back, each through its own `EventStream` handle of"
                + " one object with `any()`; the object (%,d events before the writers start) is migrated to a new"
                + " stream in the same store with the migration service's default settings (A), against the same"
                + " writers with no migration (B, a %d s window). Latencies are those of appends started while the"
                + " migration ran (A) or in the window (B). jdbc and blob: half of the writers go through a second"
                + " `EventStreams` over the same database or container with its own connections, as a second process"
                + " would. A migration not finished after %d s is cancelled and counted as not finished. Medians over"
                + " %d round(s); *worst max* is the highest max of any round.", settings.liveHistory(),
                settings.liveBaseline().toSeconds(), settings.migrationCap().toSeconds(), settings.liveRounds());
        report.blank();
        report.header("<store", "writers", "p50 ms mig / none", "p99 ms mig / none", "max ms mig / none",
                "worst max ms (mig)", "p99 ratio (of medians / median)", "writer ev/s mig / none",
                "appends measured mig / none",
                "<migration (time to finish, catch-up iterations)", "writer errors", "<target");
        LiveMigrationFigure figure4 = null;
        for (Kind kind : Kind.values()) {
            BlobContainerClient container = kind == Kind.BLOB ? AZURITE.newContainer() : null;
            LiveMigrationFigure figure = new LiveMigrationFigure(backends, container, settings);
            for (int writers : new int[] {4, 8}) {
                progress("  " + kind.label + ", " + writers + " writers");
                try {
                    liveRow(figure.run(kind, writers));
                } catch (Exception e) {
                    report.row(kind.label, writers, "error", "", "", "", "", "", "", "`" + e + "`", "", "");
                    failures.add(kind.label + " " + writers + " writers: " + e);
                    e.printStackTrace();
                }
            }
        }
    }

    private void liveRow(LiveMigrationFigure.Result r) {
        Paired p50 = new Paired();
        Paired p99 = new Paired();
        Paired max = new Paired();
        Paired rate = new Paired();
        Paired samples = new Paired();
        double worstMax = 0;
        long errors = 0;
        String firstError = null;
        List<Double> finishSeconds = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        boolean allFinished = true;
        for (int i = 0; i < r.migrating().size(); i++) {
            LiveMigrationFigure.Window a = r.migrating().get(i);
            LiveMigrationFigure.Window b = r.baseline().get(i);
            p50.add(a.p50Ms(), b.p50Ms());
            p99.add(a.p99Ms(), b.p99Ms());
            max.add(a.maxMs(), b.maxMs());
            rate.add(a.appendsPerSecond(), b.appendsPerSecond());
            samples.add(a.appends(), b.appends());
            worstMax = Math.max(worstMax, a.maxMs());
            errors += a.errors() + b.errors();
            if (firstError == null) {
                firstError = a.firstError() != null ? a.firstError() : b.firstError();
            }
            if (a.finished()) {
                finishSeconds.add(a.seconds());
                outcomes.add(String.format(Locale.ROOT, "%.2f s, %d it.", a.seconds(), a.catchUpIterations()));
            } else {
                allFinished = false;
                outcomes.add(a.outcome() + ", " + a.catchUpIterations() + " catch-up iteration(s)");
            }
        }
        String migration = String.join("; ", outcomes);
        if (finishSeconds.size() > 1) {
            migration = "median " + Report.seconds(Paired.median(finishSeconds)) + " (" + migration + ")";
        }
        double pauseMs = r.maxSourcePause().toMillis();
        String target = !allFinished ? "MISSED (did not finish)"
                : worstMax > pauseMs ? String.format(Locale.ROOT, "MISSED (max > maxSourcePause %d ms)", (long) pauseMs)
                : p99.medianOfRatios() > 2 ? "MISSED (p99 > 2× without)" : "met";
        String label = r.kind().label + (r.twoProcesses() ? " (2 processes)" : "");
        verdict(target.equals("met"), "live migration, " + label + ", " + r.writers() + " writers: " + target);
        report.row(label, r.writers(),
                Report.ms(p50.medianA()) + " / " + Report.ms(p50.medianB()),
                Report.ms(p99.medianA()) + " / " + Report.ms(p99.medianB()),
                Report.ms(max.medianA()) + " / " + Report.ms(max.medianB()),
                Report.ms(worstMax),
                Report.ratio(p99.ratioOfMedians()) + " / " + Report.ratio(p99.medianOfRatios()),
                Report.rate(rate.medianA()) + " / " + Report.rate(rate.medianB()),
                Report.rate(samples.medianA()) + " / " + Report.rate(samples.medianB()),
                migration,
                errors + (firstError == null ? "" : " (first: `" + firstError.replace('|', '/') + "`)"),
                target);
    }

    // ------------------------------------------------------------------ figure 5

    private void heap() throws Exception {
        int n = settings.heapEvents();
        InMemoryEventStore store = new InMemoryEventStore("heap");
        long before = usedHeap();
        String id = "heap-" + UUID.randomUUID();
        for (int filled = 0; filled < n; filled += 1000) {
            List<dev.es.engine.event.EventData> batch = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                // a payload string of its own, as events that came in over the wire have
                String payload = new String(Events.PAYLOAD.toCharArray());
                batch.add(new dev.es.engine.event.EventData(null, Events.TYPE, 1, payload, java.util.Map.of()));
            }
            store.append(id, ExpectedVersion.exactly(filled), batch);
        }
        long after = usedHeap();
        assertThat(store.version(id)).isEqualTo(n);
        report.line("The memory store's retained heap (after full GCs) per event, for %,d events of a %d-byte JSON"
                + " payload appended in batches of 1000, each event with a payload string of its own (no reference):"
                + " **%.0f bytes per event**, of which the payload string itself is about %d.", n,
                Events.PAYLOAD.length(), (after - before) / (double) n, Events.PAYLOAD.length() + 40);
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    // ------------------------------------------------------------------ figure 6

    private void backups(Backends backends) throws Exception {
        int n = settings.backupEvents();
        report.line("An object whose one stream holds %,d events. Per round, in alternating order: a plain read of the"
                + " whole stream through the store's paged read (`EventStore.stream(streamId, 1, %d)`, every event"
                + " consumed) and a backup of the object (`backup(objectName, objectId, BackupOptions.defaults())`:"
                + " compressed, to a `FileBackupStorage` in a temporary directory, from the call to its descriptor);"
                + " then a restore of that backup into a fresh stream of the same store"
                + " (`RestoreOptions.inPlace().toStream(fresh).toStore(store)`, from the call to its result, so the"
                + " validating read of the whole backup is in it). The restored stream and the backup are deleted"
                + " between rounds (not timed). The reference of both rows is the plain read of the same rounds;"
                + " backup ≥ 0.8× the read is the target on PostgreSQL and Azure Blob; the memory rows and every"
                + " restore are for information (the memory store's read hands out objects it already holds, some"
                + " 30 ns an event, where a backup encodes and compresses some 350 bytes). MB/s counts the events' JSON"
                + " lines before compression (the same bytes for all three). Medians over %d rounds after a warm-up"
                + " round.", n, BackupFigure.PAGE_SIZE, settings.backupRounds());
        report.blank();
        report.header("<store", "<operation", "events", "es ev/s", "es MB/s", "read ev/s", "read MB/s",
                "ratio of medians", "median ratio", "<target", "1-event operation");
        BackupFigure figure = new BackupFigure(backends);
        List<String> sizes = new ArrayList<>();
        for (Kind kind : new Kind[] {Kind.JDBC, Kind.BLOB, Kind.MEMORY}) {
            progress("  " + kind.label + ", " + n + " events");
            try {
                BackupFigure.Result r = figure.run(kind, n, settings.backupRounds());
                // the memory store's read hands out the objects it holds: no backup that writes bytes comes near
                // it, so that row is for information (docs/benchmarks.md, figure 6)
                backupRow(kind.label, "backup", n, r.backup(), r.lineBytes(), kind == Kind.MEMORY ? 0 : 0.8,
                        r.backupFixed());
                backupRow(kind.label, "restore", n, r.restore(), r.lineBytes(), 0, r.restoreFixed());
                sizes.add(String.format(Locale.ROOT, "%s %.0f bytes per event as JSON lines, %.1f stored (gzip)",
                        kind.label, r.lineBytes(), r.storedBytes()));
            } catch (Exception e) {
                report.row(kind.label, "", n, "error", "", "", "", "", "", "`" + e + "`", "");
                failures.add("backup " + kind.label + ": " + e);
                e.printStackTrace();
            }
        }
        if (!sizes.isEmpty()) {
            report.blank();
            report.line("Sizes: %s. The last column is the median time of the same operation on an object of one"
                    + " event: what it costs besides the events (document, version, close check, part and manifest"
                    + " files with their fsyncs).", String.join("; ", sizes));
        }
    }

    private void backupRow(String store, String operation, int n, Paired p, double lineBytes, double target,
                           double fixedSeconds) {
        report.row(store, operation, n, Report.rate(p.medianA()), megabytes(p.medianA() * lineBytes),
                Report.rate(p.medianB()), megabytes(p.medianB() * lineBytes), Report.ratio(p.ratioOfMedians()),
                Report.ratio(p.medianOfRatios()), target > 0 ? Report.atLeast(p.medianOfRatios(), target) : "",
                String.format(Locale.ROOT, "%.1f ms", fixedSeconds * 1000));
        if (target > 0) {
            verdict(p.medianOfRatios() >= target, String.format(Locale.ROOT, "%s %s vs plain read: %s (target"
                    + " ≥ %.2f)", operation, store, Report.ratio(p.medianOfRatios()), target));
        }
    }

    private static String megabytes(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond) ? "-" : String.format(Locale.ROOT, "%.1f", bytesPerSecond / 1e6);
    }

    private void verdict(boolean met, String row) {
        verdicts.add((met ? "met:    " : "MISSED: ") + row);
    }

    private static void progress(String message) {
        System.out.println("[bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
    }
}
