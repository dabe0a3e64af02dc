package dev.es.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The sizes of one run of {@link SideBySideBenchmark}, from system properties ({@code scripts/bench.sh} sets them):
 * {@code bench.quick=true} for small sizes that prove the harness works in a few minutes, {@code bench.figures} to
 * run only some figures (for example {@code 1,4}), {@code bench.rounds} to override the number of measured rounds,
 * {@code bench.backupEvents} the size of figure 6's object.
 *
 * @param quick              small sizes, figures not for comparison
 * @param figures            the figures to run, 1 to 6
 * @param rounds             measured rounds of each pair (each round runs A, then B)
 * @param window             how long one side of one throughput round appends
 * @param warmUpWindow       how long the warm-up round (not counted) appends
 * @param maxEventsPerRound  a throughput round also stops after this many events (keeps the memory store's heap small)
 * @param copyEvents         events per source stream in figure 3, per pair: memory->memory, jdbc->jdbc, memory->blob,
 *                           blob->jdbc
 * @param copyRounds         measured rounds of figure 3
 * @param liveRounds         measured rounds of figure 4
 * @param liveHistory        events on the object before its writers start, in figure 4
 * @param liveWarmUp         how long writers run before the measured window of figure 4 starts
 * @param liveBaseline       how long the window without a migration lasts in figure 4
 * @param migrationCap       how long figure 4 waits for a migration to finish before it cancels it
 * @param liveMaxEvents      figure 4 also ends a window after this many appends (memory store)
 * @param heapEvents         events the memory store holds in figure 5
 * @param backupEvents       events of the object backed up and restored in figure 6 ({@code bench.backupEvents})
 * @param backupRounds       measured rounds of figure 6
 */
record BenchSettings(boolean quick, Set<Integer> figures, int rounds, Duration window, Duration warmUpWindow,
                     long maxEventsPerRound, int[] copyEvents, int copyRounds, int liveRounds, int liveHistory,
                     Duration liveWarmUp, Duration liveBaseline, Duration migrationCap, long liveMaxEvents,
                     int heapEvents, int backupEvents, int backupRounds) {

    static BenchSettings fromSystemProperties() {
        boolean quick = Boolean.parseBoolean(System.getProperty("bench.quick", "false"));
        BenchSettings base = quick ? quickRun() : fullRun();
        String figures = System.getProperty("bench.figures", "").trim();
        Set<Integer> chosen = figures.isEmpty() ? base.figures()
                : Arrays.stream(figures.split("[,\\s]+")).map(Integer::parseInt)
                        .collect(Collectors.toCollection(TreeSet::new));
        String rounds = System.getProperty("bench.rounds", "").trim();
        int r = rounds.isEmpty() ? base.rounds() : Integer.parseInt(rounds);
        String cap = System.getProperty("bench.migrationCapSeconds", "").trim();
        Duration migrationCap = cap.isEmpty() ? base.migrationCap() : Duration.ofSeconds(Long.parseLong(cap));
        String backupEvents = System.getProperty("bench.backupEvents", "").trim();
        return new BenchSettings(quick, chosen, r, base.window(), base.warmUpWindow(), base.maxEventsPerRound(),
                base.copyEvents(), rounds.isEmpty() ? base.copyRounds() : r,
                rounds.isEmpty() ? base.liveRounds() : Math.max(1, (r + 1) / 2), base.liveHistory(),
                base.liveWarmUp(), base.liveBaseline(), migrationCap, base.liveMaxEvents(), base.heapEvents(),
                backupEvents.isEmpty() ? base.backupEvents() : Integer.parseInt(backupEvents),
                rounds.isEmpty() ? base.backupRounds() : r);
    }

    static BenchSettings fullRun() {
        return new BenchSettings(false, Set.of(1, 2, 3, 4, 5, 6), 7, Duration.ofSeconds(2), Duration.ofSeconds(1),
                1_000_000, new int[] {200_000, 50_000, 20_000, 20_000}, 5, 3, 10_000, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(120), 5_000_000, 1_000_000, 100_000, 5);
    }

    static BenchSettings quickRun() {
        return new BenchSettings(true, Set.of(1, 2, 3, 4, 5, 6), 2, Duration.ofMillis(250), Duration.ofMillis(150),
                300_000, new int[] {5_000, 3_000, 2_000, 2_000}, 2, 1, 500, Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofSeconds(10), 2_000_000, 100_000, 5_000, 2);
    }

    boolean runs(int figure) {
        return figures.contains(figure);
    }

    String describe() {
        return (quick ? "quick (small sizes: proves the harness, not for comparison)" : "full") + "; " + rounds
                + " measured rounds of " + window.toMillis() + " ms per side after a warm-up round of "
                + warmUpWindow.toMillis() + " ms (figures 1-2), " + copyRounds + " rounds (figure 3), " + liveRounds
                + " round(s), migration wait capped at " + migrationCap.toSeconds() + " s (figure 4), " + backupRounds
                + " rounds of an object of " + backupEvents + " events (figure 6)";
    }
}
