package dev.es.engine.migration;

import java.time.Duration;
import java.util.Objects;

/**
 * Defaults every migration starts from (configured as {@code es.migration.*}).
 *
 * @param closeTimeout        how long writers may keep the close from winning before the convergence strategy acts
 * @param catchUpDelay        pause between catch-up iterations that lost the close race
 * @param convergenceFailure  what to do after {@code closeTimeout}
 * @param maxSourcePause      longest a writer waits at a closed write gate ({@code PAUSE_SOURCE})
 * @param lockWait            how long a migration waits for its object's lock before it is refused
 */
public record MigrationDefaults(Duration closeTimeout, Duration catchUpDelay,
                                ConvergenceFailureStrategy convergenceFailure, Duration maxSourcePause,
                                Duration lockWait) {

    public MigrationDefaults {
        requirePositiveOrZero("closeTimeout", closeTimeout);
        requirePositiveOrZero("catchUpDelay", catchUpDelay);
        requirePositiveOrZero("maxSourcePause", maxSourcePause);
        requirePositiveOrZero("lockWait", lockWait);
        Objects.requireNonNull(convergenceFailure, "convergenceFailure");
    }

    /** Close timeout 5 min, catch-up delay 100 ms, keep trying, writers paused at most 5 s, no lock wait. */
    public static MigrationDefaults defaults() {
        return new MigrationDefaults(Duration.ofMinutes(5), Duration.ofMillis(100),
                ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO);
    }

    static Duration requirePositiveOrZero(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }
}
