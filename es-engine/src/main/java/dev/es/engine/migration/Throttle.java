package dev.es.engine.migration;

import java.time.Duration;

/**
 * The copy's rate limit ({@link LiveMigrationOptions#maxEventsPerSecond(double)}): pacing by the events actually
 * copied. Each copied page moves the time of the next page on by {@code events / rate}; before reading a page the
 * copy sleeps until that time (through {@link MigrationControl#sleep}, so a pause, cancel or suspension wakes it at
 * once and is handled at the copy's next safe point). Pages are at most one second's worth of events, so the load on
 * the stores stays even and a page never waits longer than about a second. Only the migration's thread uses it.
 */
final class Throttle {

    private final double eventsPerSecond;
    /** When the next page may be read ({@link System#nanoTime()}); only meaningful once something was copied. */
    private long nextPage;
    private boolean started;

    /** @param eventsPerSecond the rate, {@code 0} for none */
    Throttle(double eventsPerSecond) {
        this.eventsPerSecond = MigrationDefaults.requireRate(eventsPerSecond);
    }

    /** Whether a rate is set. */
    boolean limited() {
        return eventsPerSecond > 0;
    }

    /** The page size to read: {@code chunkSize}, or less when a second's worth of events is less. */
    int pageSize(int chunkSize) {
        if (!limited()) {
            return chunkSize;
        }
        return (int) Math.max(1, Math.min(chunkSize, Math.floor(eventsPerSecond)));
    }

    /** How long until the next page may be read; zero when it may now. */
    Duration untilNextPage() {
        if (!limited() || !started) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, nextPage - System.nanoTime()));
    }

    /** {@code events} source events were copied: the next page waits for their share of time. */
    void copied(int events) {
        if (!limited() || events <= 0) {
            return;
        }
        long now = System.nanoTime();
        long base = started && nextPage - now > 0 ? nextPage : now;
        nextPage = base + (long) Math.ceil(events * 1e9 / eventsPerSecond);
        started = true;
    }
}
