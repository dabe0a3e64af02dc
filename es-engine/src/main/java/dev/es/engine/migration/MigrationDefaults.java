package dev.es.engine.migration;

import java.time.Duration;
import java.util.Objects;

/**
 * Defaults every migration starts from (configured as {@code es.migration.*}).
 *
 * @param closeTimeout        how long writers may keep the close from winning before the convergence strategy acts
 * @param catchUpDelay        pause between catch-up iterations that lost the close race
 * @param convergenceFailure        how the close is made to win against busy writers
 * @param maxSourcePause            longest writers are held for the close ({@code PAUSE_SOURCE})
 * @param lockWait                  how long a migration waits for its object's lock before it is refused
 * @param closeAttemptsBeforePause  closes lost to writers before {@code PAUSE_SOURCE} holds them
 * @param maxEventsPerSecond        the most source events a migration copies per second ({@code 0}: as fast as the
 *                                  stores allow); see {@link LiveMigrationOptions#maxEventsPerSecond(double)}
 */
public record MigrationDefaults(Duration closeTimeout, Duration catchUpDelay,
                                ConvergenceFailureStrategy convergenceFailure, Duration maxSourcePause,
                                Duration lockWait, int closeAttemptsBeforePause, double maxEventsPerSecond) {

    /** How many lost closes {@code PAUSE_SOURCE} allows before it holds the writers, by default. */
    public static final int DEFAULT_CLOSE_ATTEMPTS_BEFORE_PAUSE = 3;

    public MigrationDefaults {
        requireAttempts(closeAttemptsBeforePause);
        requirePositiveOrZero("closeTimeout", closeTimeout);
        requirePositiveOrZero("catchUpDelay", catchUpDelay);
        requirePositiveOrZero("maxSourcePause", maxSourcePause);
        requirePositiveOrZero("lockWait", lockWait);
        Objects.requireNonNull(convergenceFailure, "convergenceFailure");
        requireRate(maxEventsPerSecond);
    }

    /** Defaults that copy as fast as the stores allow (no {@code maxEventsPerSecond}). */
    public MigrationDefaults(Duration closeTimeout, Duration catchUpDelay, ConvergenceFailureStrategy convergenceFailure,
                             Duration maxSourcePause, Duration lockWait, int closeAttemptsBeforePause) {
        this(closeTimeout, catchUpDelay, convergenceFailure, maxSourcePause, lockWait, closeAttemptsBeforePause, 0);
    }

    /** These defaults with copies limited to {@code eventsPerSecond} source events a second (0: unlimited). */
    public MigrationDefaults withMaxEventsPerSecond(double eventsPerSecond) {
        return new MigrationDefaults(closeTimeout, catchUpDelay, convergenceFailure, maxSourcePause, lockWait,
                closeAttemptsBeforePause, eventsPerSecond);
    }

    /** Defaults with {@value #DEFAULT_CLOSE_ATTEMPTS_BEFORE_PAUSE} close attempts before a pause. */
    public MigrationDefaults(Duration closeTimeout, Duration catchUpDelay, ConvergenceFailureStrategy convergenceFailure,
                             Duration maxSourcePause, Duration lockWait) {
        this(closeTimeout, catchUpDelay, convergenceFailure, maxSourcePause, lockWait,
                DEFAULT_CLOSE_ATTEMPTS_BEFORE_PAUSE);
    }

    /**
     * Close timeout 5 min, catch-up delay 100 ms, {@code PAUSE_SOURCE} after 3 lost closes, writers held at most
     * 5 s, no lock wait, no limit on the copy rate.
     */
    public static MigrationDefaults defaults() {
        return new MigrationDefaults(Duration.ofMinutes(5), Duration.ofMillis(100),
                ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO,
                DEFAULT_CLOSE_ATTEMPTS_BEFORE_PAUSE, 0);
    }

    static double requireRate(double eventsPerSecond) {
        if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("maxEventsPerSecond must be 0 (no limit) or a positive number, was "
                    + eventsPerSecond);
        }
        return eventsPerSecond;
    }

    static long requireLag(long events) {
        if (events < 0) {
            throw new IllegalArgumentException("cutoverMaxLag must not be negative, was " + events);
        }
        return events;
    }

    static int requireAttempts(int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("closeAttemptsBeforePause must not be negative, was " + attempts);
        }
        return attempts;
    }

    /**
     * The longest duration a migration setting takes: ten years, far below what the clock arithmetic of its
     * deadlines can hold (about 292 years of nanoseconds), so that a huge value is refused, not overflowed.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(3650);

    static Duration requirePositiveOrZero(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION.toDays() + " days, was "
                    + value);
        }
        return value;
    }
}
