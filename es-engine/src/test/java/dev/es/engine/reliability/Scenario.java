package dev.es.engine.reliability;

import dev.es.engine.ErrorCategory;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.migration.BulkMigrationResult;
import dev.es.engine.migration.ConvergenceFailureStrategy;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.MigrationBuilder;
import dev.es.engine.migration.MigrationDefaults;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationListener;
import dev.es.engine.migration.MigrationResult;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.migration.RollbackResult;
import dev.es.engine.resilience.ResilienceSettings;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.resilience.StoreUnavailableException;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.stream.ContinuationRetriesExhaustedException;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.stream.StreamVersion;
import dev.es.engine.transform.CompositeTransformer;
import dev.es.engine.transform.EventTransformer;
import dev.es.engine.transform.FunctionTransformer;
import dev.es.test.history.History;
import dev.es.test.history.HistoryChecker;
import dev.es.test.history.Lineage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One randomized scenario, planned from a seed: several application instances (each its own {@code EventStreams},
 * migration service and lock provider over the same stores), writers mixing {@code any()} and exact versions through
 * handles they keep across migrations (some threads sharing one), and migrators running live migrations with random
 * options (target store, transformers that rename, split and drop, convergence strategy), pause and resume, cancel,
 * rollback, chains, bulk runs, two instances migrating the same object, and lost lock leases, while a
 * {@link ChaosEventStore} injects unknown outcomes, migrator crashes and slow calls, and a {@link ChaosRoutingTable}
 * and a {@link ChaosDocumentStore} transient failures of the migration services' routing table and documents (before
 * a call, and after a write; the services have an {@code EventStreams} of their own for that, over the same stores,
 * so that writers' document calls stay clean). A failed migration is run again
 * with the same definition (a re-run resumes it). At the end the faults are healed, everything unfinished is finished
 * and the {@link HistoryChecker} checks every object through a fresh {@code EventStreams} over the bare stores.
 *
 * <p>The plan (objects, writers, operations, fault rates and the faults' random draws) follows from the seed; the
 * threads' interleaving does not, so a failing seed is run again to reproduce, usually failing the same way.
 */
final class Scenario {

    private static final String OBJECT = "Order";
    private static final Duration AWAIT = Duration.ofSeconds(60);
    /** How long a store's circuit breaker stays open in the services (30 s by default). */
    private static final Duration BREAKER_OPEN = Duration.ofMillis(50);
    private static final Lineage LINEAGE = Lineage.byMetadata().dropping("Noise"::equals);

    /** What a transformer of a migration does. */
    enum Transform { NONE, RENAME, SPLIT_AND_DROP }

    /** One migration's definition; a re-run of a failed one uses the same. */
    record Spec(String objectId, String targetStore, Transform transform, ConvergenceFailureStrategy strategy) {
    }

    /** What a scenario did, for the figures. */
    record Summary(long seed, int objects, long appends, long events, int migrations, int faults) {
    }

    private final long seed;
    private final Random plan;
    private final ScenarioStores stores;
    private final ChaosEventStore main;
    private final ChaosEventStore other;
    private final ChaosRoutingTable routing;
    private final ChaosDocumentStore documents;
    private final List<EventStreams> instances = new ArrayList<>();
    private final List<DefaultEventStreamMigrationService> services = new ArrayList<>();
    private final List<DistributedLockProvider> lockProviders = new ArrayList<>();
    private final History history = new History();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> objects = new ArrayList<>();
    private int migrations;
    /** What the migrators did, in order, for the report of a failed seed. */
    private final List<String> journal = Collections.synchronizedList(new ArrayList<>());

    private Scenario(long seed, ScenarioStores stores) {
        this.seed = seed;
        this.plan = new Random(seed);
        this.stores = stores;
        ChaosEventStore.Faults faults = ChaosEventStore.Faults.draw(plan);
        this.main = new ChaosEventStore(stores.main(), seed * 31 + 1, faults);
        this.other = new ChaosEventStore(stores.other(), seed * 31 + 2, faults);
        this.routing = new ChaosRoutingTable(stores.routing(), seed * 31 + 3);
        this.documents = new ChaosDocumentStore(stores.documents(), seed * 31 + 4);
    }

    /** Runs the scenario of {@code seed}; throws an {@link AssertionError} naming the seed when anything is wrong. */
    static Summary run(long seed, ScenarioStores stores) {
        Scenario scenario = new Scenario(seed, stores);
        try {
            return scenario.run();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " failed (run it again with -Dreliability.seed=" + seed
                    + "): " + e.getMessage(), e);
        } finally {
            scenario.close();
        }
    }

    private Summary run() throws AssertionError {
        int instanceCount = 2 + plan.nextInt(2);
        int chunkSize = 3 + plan.nextInt(10);
        for (int i = 0; i < instanceCount; i++) {
            EventStreams streams = new EventStreams(EventStoreRegistry.of(main, other), stores.documents(),
                    stores.tags(), EventStreamSettings.defaults().withChunkSize(chunkSize), "main");
            // the migration service's own EventStreams, whose document calls meet faults (writers' do not)
            EventStreams migrating = new EventStreams(EventStoreRegistry.of(main, other), documents,
                    stores.tags(), EventStreamSettings.defaults().withChunkSize(chunkSize), "main");
            DistributedLockProvider locks = stores.locks().apply(i);
            instances.add(streams);
            lockProviders.add(locks);
            DefaultEventStreamMigrationService service = new DefaultEventStreamMigrationService(migrating, locks,
                    routing, new MigrationDefaults(Duration.ofMillis(20 + plan.nextInt(40)), Duration.ofMillis(1),
                            ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(2), Duration.ofSeconds(20), 3),
                    MigrationListener.NONE, Clock.systemUTC());
            // the default retries, with millisecond pauses instead of 100 ms and more: the routing faults are many;
            // the default breaker, open for BREAKER_OPEN instead of 30 s: the faults can trip it, as in production
            service.useResilience(StoreResilience.of(ResilienceSettings.defaults()
                    .withRetry(5, Duration.ofMillis(1), Duration.ofMillis(20))
                    .withCircuitBreaker(50, 20, 10, BREAKER_OPEN)));
            services.add(service);
        }
        int objectCount = 1 + plan.nextInt(3);
        String prefix = "s" + Long.toHexString(seed) + "-" + UUID.randomUUID().toString().substring(0, 6);
        for (int o = 0; o < objectCount; o++) {
            String id = prefix + "-" + o;
            objects.add(id);
            List<EventData> initial = events(plan, "seed", 1 + plan.nextInt(6));
            EventStream s = instances.get(0).open(OBJECT, id);
            appendAcknowledged("seed-" + o, "i0", s, initial, plan);
        }

        List<Thread> threads = new ArrayList<>();
        int writerNo = 0;
        for (String id : objects) {
            int writers = 1 + plan.nextInt(3);
            EventStream shared = null;
            for (int w = 0; w < writers; w++) {
                int instance = plan.nextInt(instanceCount);
                EventStream handle;
                if (shared != null && plan.nextInt(3) == 0) {
                    handle = shared; // threads sharing one handle (they append at the version they read: tied)
                } else {
                    handle = instances.get(instance).open(OBJECT, id);
                    shared = handle;
                }
                String name = "w" + writerNo++;
                long writerSeed = plan.nextLong();
                int appends = 3 + plan.nextInt(8);
                EventStream h = handle;
                threads.add(thread(name, () -> write(name, "i" + instance, h, new Random(writerSeed), appends)));
            }
        }
        int migratorCount = objects.size() > 1 && plan.nextBoolean() ? 2 : 1;
        for (int m = 0; m < migratorCount; m++) {
            List<String> mine = new ArrayList<>();
            for (int o = m; o < objects.size(); o += migratorCount) {
                mine.add(objects.get(o));
            }
            long migratorSeed = plan.nextLong();
            boolean mayBulk = migratorCount == 1;
            threads.add(thread("migrator-" + m, () -> migrate(new Random(migratorSeed), mine, mayBulk)));
        }
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            if (t.isAlive()) {
                problems.add(t.getName() + " did not finish in time");
                threads.forEach(Thread::interrupt);
                break;
            }
        }
        heal();
        EventStreams fresh = new EventStreams(EventStoreRegistry.of(stores.main(), stores.other()),
                stores.documents(), stores.tags(), EventStreamSettings.defaults(), "main");
        HistoryChecker.Report report = new HistoryChecker(LINEAGE).check(history, fresh);
        List<String> all = new ArrayList<>(problems);
        all.addAll(report.violations());
        if (!all.isEmpty()) {
            throw new AssertionError(all.size() + " problem(s):\n  " + String.join("\n  ",
                    all.subList(0, Math.min(all.size(), 40))) + "\nmigrations:\n  " + String.join("\n  ",
                    journal.subList(0, Math.min(journal.size(), 60))));
        }
        return new Summary(seed, objects.size(), history.attempts().size(), report.events(), migrations,
                main.injected() + other.injected() + routing.injected()
                + documents.injected());
    }

    private void heal() {
        main.heal();
        other.heal();
        routing.heal();
        documents.heal();
    }

    private Thread thread(String name, Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                problems.add(name + " failed: " + e);
            }
        }, "scenario-" + seed + "-" + name);
        t.setDaemon(true);
        return t;
    }

    private void close() {
        services.forEach(DefaultEventStreamMigrationService::close);
        for (DistributedLockProvider locks : lockProviders) {
            if (locks instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing a test's lock provider: nothing to do about it
                }
            }
        }
    }

    // ---------------------------------------------------------------- writers

    private static List<EventData> events(Random random, String writer, int count) {
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            String type = kind < 6 ? "Note" : kind < 8 ? "Noise" : "Split";
            String id = UUID.randomUUID().toString();
            events.add(new EventData(id, type, 1, "{\"by\":\"" + writer + "\"}", Map.of(Lineage.ORIGIN, id)));
        }
        return events;
    }

    private void write(String writer, String instance, EventStream handle, Random random, int appends) {
        EventStream current = handle;
        for (int n = 0; n < appends; n++) {
            current = appendAcknowledged(writer, instance, current, events(random, writer, 1 + random.nextInt(2)),
                    random);
            if (random.nextInt(3) == 0) {
                sleep(1);
            }
        }
    }

    /**
     * Appends a batch as a writer does: {@code any()} or at the version it read (deciding again with new events
     * after a conflict), retrying an unknown outcome with the same events where it would have gone. A handle left
     * more migrations behind than {@code maxStreamContinuationRetries} allows is refused
     * ({@code ContinuationRetriesExhaustedException}, nothing written): the writer opens the object again, as an
     * application would. Answers the handle the writer goes on with.
     */
    private EventStream appendAcknowledged(String writer, String instance, EventStream handle, List<EventData> first,
                                           Random random) {
        EventStream current = handle;
        List<EventData> batch = first;
        boolean exact = random.nextBoolean();
        for (int decision = 0; decision < 20; decision++) {
            EventStream on = current;
            List<String> seen = exact ? new ArrayList<>() : null;
            StreamVersion at = exact ? on.replay(e -> seen.add(LINEAGE.originOf().apply(e))) : null;
            List<EventData> events = batch;
            String condition = exact ? "exactly(" + at.version() + " on " + at.stream() + ")" : "any";
            try {
                history.append(writer, instance, OBJECT, on.objectId(), events, condition, seen,
                        () -> exact ? on.append(at, events) : on.append(ExpectedVersion.any(), events));
                return current;
            } catch (WrongExpectedVersionException conflict) {
                // someone else wrote first: decide again on what is there now
            } catch (ContinuationRetriesExhaustedException tooFarBehind) {
                current = instances.get(Integer.parseInt(instance.substring(1))).open(OBJECT, on.objectId());
            } catch (CommitFailedException unknown) {
                if (retried(writer, instance, on, events, seen, unknown)) {
                    return current;
                }
            } catch (RuntimeException e) {
                problems.add(writer + " got " + e);
                return current;
            }
            batch = events(random, writer, events.size());
        }
        problems.add(writer + " lost 20 decisions in a row on " + handle.objectId());
        return current;
    }

    /** Retries an unknown outcome with the same events; true when acknowledged, false when refused. */
    private boolean retried(String writer, String instance, EventStream handle, List<EventData> events,
                            List<String> seen, CommitFailedException unknown) {
        ExpectedVersion retry = unknown.retryCondition();
        for (int attempt = 0; attempt < 10; attempt++) {
            ExpectedVersion condition = retry;
            try {
                history.append(writer, instance, OBJECT, handle.objectId(), events, "retry " + condition, seen,
                        () -> handle.append(condition, events));
                return true;
            } catch (CommitFailedException again) {
                retry = again.retryCondition();
            } catch (WrongExpectedVersionException | ContinuationRetriesExhaustedException refused) {
                return false;
            }
        }
        problems.add(writer + ": an append's outcome stayed unknown after 10 retries");
        return true;
    }

    // ---------------------------------------------------------------- migrators

    private static EventTransformer transformer(Transform transform) {
        return switch (transform) {
            case NONE -> EventTransformer.identity();
            case RENAME -> FunctionTransformer.of("Note",
                    e -> new EventData(e.eventId(), "Remark", 1, e.payload(), e.metadata()));
            case SPLIT_AND_DROP -> new CompositeTransformer(List.of(
                    FunctionTransformer.many("Noise", e -> List.of()),
                    FunctionTransformer.many("Split", e -> List.of(
                            new EventData(e.eventId(), "Half", 1, e.payload(), e.metadata()),
                            new EventData(e.eventId(), "Half", 1, e.payload(), e.metadata())))));
        };
    }

    private MigrationBuilder builder(DefaultEventStreamMigrationService service, Spec spec) {
        MigrationBuilder builder = service.forDocument(OBJECT, spec.objectId()).withTargetStore(spec.targetStore())
                .withLiveMigration(o -> o.onConvergenceFailure(spec.strategy()));
        if (spec.transform() != Transform.NONE) {
            builder.withTransformer(transformer(spec.transform()));
        }
        return builder;
    }

    private DefaultEventStreamMigrationService service(Random random) {
        return services.get(random.nextInt(services.size()));
    }

    private Spec spec(Random random, String id, boolean transform) {
        Transform t = transform ? Transform.values()[random.nextInt(Transform.values().length)] : Transform.NONE;
        ConvergenceFailureStrategy strategy = random.nextInt(4) == 0 ? ConvergenceFailureStrategy.KEEP_TRYING
                : ConvergenceFailureStrategy.PAUSE_SOURCE;
        return new Spec(id, random.nextBoolean() ? "main" : "other", t, strategy);
    }

    private void migrate(Random random, List<String> mine, boolean mayBulk) {
        int operations = 1 + random.nextInt(3);
        for (int op = 0; op < operations; op++) {
            String id = mine.get(random.nextInt(mine.size()));
            int choice = random.nextInt(mayBulk ? 8 : 7);
            switch (choice) {
                case 0, 1 -> {
                    Spec spec = spec(random, id, true);
                    finish(random, spec, execute(random, spec));
                }
                case 2 -> { // a chain A -> B -> C
                    for (int hop = 0; hop < 2 + random.nextInt(2); hop++) {
                        Spec spec = spec(random, id, true);
                        finish(random, spec, execute(random, spec));
                    }
                }
                case 3 -> pauseAndResume(random, spec(random, id, true));
                case 4 -> cancel(random, spec(random, id, true));
                case 5 -> rollback(random, spec(random, id, false));
                case 6 -> {
                    if (stores.leaseClock() != null && random.nextBoolean()) {
                        leaseLostMidway(random, spec(random, id, true));
                    } else {
                        twoInstances(random, spec(random, id, true));
                    }
                }
                default -> bulk(random, mine);
            }
            if (stores.leaseClock() != null && random.nextInt(6) == 0) {
                stores.leaseClock().advance(Duration.ofSeconds(11)); // every lease held now runs out: locks lost
                journal.add("leases run out");
            }
        }
    }

    private MigrationResult execute(Random random, Spec spec) {
        migrations++;
        journal.add("execute " + spec);
        return await(start(service(random), spec));
    }

    /**
     * Launches {@code spec}; a launch refused by a transient error (its reads' retries ran out, or a store's breaker
     * is open) is not a refusal: launched again after the breaker's open time, the faults healed after five tries.
     */
    private MigrationHandle start(DefaultEventStreamMigrationService service, Spec spec) {
        for (int attempt = 0; ; attempt++) {
            try {
                return builder(service, spec).start();
            } catch (RuntimeException e) {
                if (!ErrorCategory.isTransient(e) || attempt >= 10) {
                    throw e;
                }
                journal.add("launch of " + spec + " met a transient error: " + e);
                if (attempt >= 5) {
                    heal();
                }
                waitOutOpenBreaker();
            }
        }
    }

    private MigrationResult await(MigrationHandle handle) {
        try {
            MigrationResult result = handle.await(AWAIT);
            journal.add(result.migrationId() + " " + result.status() + (result.error() == null ? ""
                    : ": " + result.error().getMessage()));
            return result;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("migration " + handle.migrationId() + " did not end in " + AWAIT);
        }
    }

    /** A failed migration is run again with the same definition until it finishes (a re-run resumes it). */
    private MigrationResult finish(Random random, Spec spec, MigrationResult result) {
        MigrationResult last = result;
        for (int attempt = 0; attempt < 20 && last.status() == MigrationStatus.FAILED; attempt++) {
            if (attempt >= 10) {
                heal();
            }
            if (breakerWasOpen(last.error())) {
                waitOutOpenBreaker(); // a re-run at once would meet the open breaker again
            }
            last = execute(random, spec);
        }
        if (last.status() == MigrationStatus.FAILED) {
            problems.add("migration of " + spec + " still FAILED after re-runs: " + last.error());
        }
        return last;
    }

    /** Sleeps until a breaker that opened just now lets calls through again (half-open). */
    private static void waitOutOpenBreaker() {
        sleep(BREAKER_OPEN.toMillis() + 10);
    }

    private static boolean breakerWasOpen(@Nullable Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private void pauseAndResume(Random random, Spec spec) {
        migrations++;
        journal.add("pause and resume " + spec);
        MigrationHandle handle = start(service(random), spec);
        sleep(random.nextInt(3));
        handle.pause();
        sleep(random.nextInt(3));
        handle.resume();
        finish(random, spec, await(handle));
    }

    private void cancel(Random random, Spec spec) {
        migrations++;
        journal.add("cancel " + spec);
        MigrationHandle handle = start(service(random), spec);
        sleep(random.nextInt(3));
        boolean cancelled = handle.cancel();
        journal.add("cancel() answered " + cancelled);
        MigrationResult result = await(handle);
        if (cancelled && result.status() == MigrationStatus.COMPLETED) {
            problems.add("cancel() answered true but migration " + result.migrationId() + " COMPLETED");
        }
        if (result.status() == MigrationStatus.FAILED) {
            finish(random, spec, result);
        }
    }

    private void rollback(Random random, Spec spec) {
        MigrationResult forward = finish(random, spec, execute(random, spec));
        String id = forward.migrationId();
        if (forward.status() != MigrationStatus.COMPLETED) {
            return;
        }
        RollbackResult rolled = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            if (attempt >= 5) {
                heal();
            }
            try {
                rolled = service(random).rollback(id);
                journal.add("rollback " + id + ": " + rolled.status() + (rolled.error() == null ? ""
                        : " " + rolled.error().getMessage()));
            } catch (RuntimeException refused) {
                if (ErrorCategory.isTransient(refused)) {
                    journal.add("rollback " + id + " met a transient error (retries exhausted): " + refused);
                    waitOutOpenBreaker();
                    continue; // not a refusal: roll back again
                }
                return; // refused (the object moved on, a re-run finished elsewhere): nothing changed
            }
            if (rolled.isSuccess() || rolled.status() != MigrationStatus.FAILED
                    && rolled.status() != MigrationStatus.ROLLING_BACK) {
                return;
            }
        }
        problems.add("rollback of " + id + " did not finish: " + rolled);
    }

    /** The migration's lock lease runs out while it runs (a long pause): it stops, and a re-run finishes it. */
    private void leaseLostMidway(Random random, Spec spec) {
        migrations++;
        journal.add("lease lost midway " + spec);
        MigrationHandle handle = start(service(random), spec);
        sleep(random.nextInt(3));
        stores.leaseClock().advance(Duration.ofSeconds(11));
        finish(random, spec, await(handle));
    }

    private void twoInstances(Random random, Spec spec) {
        migrations += 2;
        journal.add("two instances " + spec);
        MigrationHandle a = start(services.get(0), spec);
        MigrationHandle b = start(services.get(1), spec);
        MigrationResult ra = await(a);
        MigrationResult rb = await(b);
        finish(random, spec, ra);
        finish(random, spec, rb);
    }

    private void bulk(Random random, List<String> mine) {
        String target = random.nextBoolean() ? "main" : "other";
        List<ObjectDocument> documents = new ArrayList<>();
        for (String id : mine) {
            stores.documents().get(OBJECT, id).ifPresent(documents::add);
        }
        migrations += documents.size();
        BulkMigrationResult result = service(random).forDocuments(documents).targetStore(target).maxConcurrency(2)
                .continueOnError(true).lockRetryTimeout(Duration.ofSeconds(20)).execute();
        if (result.failed() > 0) {
            for (String id : mine) {
                Spec spec = new Spec(id, target, Transform.NONE, ConvergenceFailureStrategy.PAUSE_SOURCE);
                finish(random, spec, execute(random, spec));
            }
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
