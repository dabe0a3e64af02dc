package dev.es.engine.reliability;

import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.support.MutableClock;
import java.time.Duration;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scenarios seed after seed and reports the figures: {@code -Dreliability.seed=N} runs that one seed (to
 * reproduce a failure), {@code -Dreliability.firstSeed} moves the range.
 */
final class Seeds {

    private static final Logger log = LoggerFactory.getLogger(Seeds.class);

    private Seeds() {
    }

    /** Fresh memory stores for one seed, with lock leases counted on a clock the scenario may move. */
    static ScenarioStores memory(long seed) {
        MutableClock clock = new MutableClock();
        LockSettings leases = new LockSettings(Duration.ofSeconds(10), Duration.ofSeconds(1));
        InMemoryLockProvider first = new InMemoryLockProvider(leases, clock);
        return new ScenarioStores(new InMemoryEventStore("main"), new InMemoryEventStore("other"),
                new InMemoryDocumentStore(), new InMemoryTagStore(), new InMemoryMigrationRoutingTable(),
                i -> i == 0 ? first : first.sharingLeases(leases), clock);
    }

    /**
     * Runs {@code count} seeds from {@code reliability.firstSeed} (default {@code firstSeed}), or only
     * {@code reliability.seed} when set; stops at the first failure, which names its seed. Answers a line of
     * figures.
     */
    static String run(String label, long firstSeed, int count, LongFunction<ScenarioStores> stores) {
        String only = System.getProperty("reliability.seed");
        long from = only != null ? Long.parseLong(only) : Long.getLong("reliability.firstSeed", firstSeed);
        int seeds = only != null ? 1 : count;
        long started = System.nanoTime();
        long appends = 0;
        long events = 0;
        long migrations = 0;
        long faults = 0;
        for (long seed = from; seed < from + seeds; seed++) {
            Scenario.Summary summary = Scenario.run(seed, stores.apply(seed));
            appends += summary.appends();
            events += summary.events();
            migrations += summary.migrations();
            faults += summary.faults();
        }
        String figures = String.format("%s: %d seed(s) from %d green in %.1f s: %d append attempts, %d events"
                        + " checked, %d migrations, %d faults injected", label, seeds, from,
                (System.nanoTime() - started) / 1e9, appends, events, migrations, faults);
        log.info(figures);
        return figures;
    }

}
