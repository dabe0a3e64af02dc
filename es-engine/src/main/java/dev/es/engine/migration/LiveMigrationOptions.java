package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Options of the live path: close timeout, catch-up pacing, callbacks, convergence strategy, the copy rate and the
 * operator-gated cutover.
 */
public final class LiveMigrationOptions {

    /** How many source events the target may be behind for {@link MigrationHandle#isCutoverReady()}, by default. */
    public static final long DEFAULT_CUTOVER_MAX_LAG = 100;

    Duration closeTimeout;
    Duration catchUpDelay;
    ConvergenceFailureStrategy convergenceFailure;
    Duration maxSourcePause;
    int closeAttemptsBeforePause;
    Consumer<CatchUpProgress> onCatchUpProgress = p -> { };
    Consumer<StoredEvent> onEventCopied = e -> { };
    Consumer<EventData> onBeforeAppend = e -> { };
    double maxEventsPerSecond;
    boolean manualCutover;
    long cutoverMaxLag = DEFAULT_CUTOVER_MAX_LAG;

    LiveMigrationOptions(MigrationDefaults defaults) {
        maxEventsPerSecond = defaults.maxEventsPerSecond();
        closeTimeout = defaults.closeTimeout();
        catchUpDelay = defaults.catchUpDelay();
        convergenceFailure = defaults.convergenceFailure();
        maxSourcePause = defaults.maxSourcePause();
        closeAttemptsBeforePause = defaults.closeAttemptsBeforePause();
    }

    /** How long writers may keep the close from winning before {@link #onConvergenceFailure} acts. */
    public LiveMigrationOptions closeTimeout(Duration value) {
        closeTimeout = MigrationDefaults.requirePositiveOrZero("closeTimeout", value);
        return this;
    }

    /** Pause between catch-up iterations that lost the close race. */
    public LiveMigrationOptions catchUpDelay(Duration value) {
        catchUpDelay = MigrationDefaults.requirePositiveOrZero("catchUpDelay", value);
        return this;
    }

    /** How many closes may be lost to writers before {@code PAUSE_SOURCE} holds them (0: hold at once). */
    public LiveMigrationOptions closeAttemptsBeforePause(int attempts) {
        closeAttemptsBeforePause = MigrationDefaults.requireAttempts(attempts);
        return this;
    }

    /** Longest the writers of the object are held for the close under {@code PAUSE_SOURCE}. */
    public LiveMigrationOptions maxSourcePause(Duration value) {
        maxSourcePause = MigrationDefaults.requirePositiveOrZero("maxSourcePause", value);
        return this;
    }

    /** Called after each catch-up iteration. */
    public LiveMigrationOptions onCatchUpProgress(Consumer<CatchUpProgress> callback) {
        onCatchUpProgress = Objects.requireNonNull(callback);
        return this;
    }

    /** Called with each source event once its copy is on the target. */
    public LiveMigrationOptions onEventCopied(Consumer<StoredEvent> callback) {
        onEventCopied = Objects.requireNonNull(callback);
        return this;
    }

    /** Called with each event just before it is appended to the target; may block to hold the migration. */
    public LiveMigrationOptions onBeforeAppend(Consumer<EventData> callback) {
        onBeforeAppend = Objects.requireNonNull(callback);
        return this;
    }

    /**
     * Limits the copy to {@code eventsPerSecond} source events a second, on average ({@code 0}: as fast as the stores
     * allow; the default is {@code es.migration.max-events-per-second}). The copy reads pages of at most one second's
     * worth of events and sleeps between them, so the source and target stores see an even load; pause, cancel and
     * shutdown requests wake it at once. The copy made while the writers are held for the close
     * ({@code PAUSE_SOURCE}) is never slowed: writers would wait longer.
     */
    public LiveMigrationOptions maxEventsPerSecond(double eventsPerSecond) {
        maxEventsPerSecond = MigrationDefaults.requireRate(eventsPerSecond);
        return this;
    }

    /**
     * Operator-gated cutover: once the copy has caught up, the migration keeps tailing the source (the target stays
     * in sync, {@code eventsBehind} is reported) and closes the source only when asked to, by
     * {@link MigrationHandle#cutover()} or the actuator's {@code cutover} operation; {@link MigrationHandle#cancel()}
     * ends it instead. Same as {@link MigrationBuilder#withManualCutover()}.
     */
    public LiveMigrationOptions manualCutover() {
        manualCutover = true;
        return this;
    }

    /**
     * With {@link #manualCutover()}: how many source events the target may be behind for the migration to be ready
     * for its cutover ({@link MigrationHandle#isCutoverReady()}); a cutover request is refused while it is further
     * behind. Default {@value #DEFAULT_CUTOVER_MAX_LAG}; 0 asks for a target fully caught up.
     */
    public LiveMigrationOptions cutoverMaxLag(long events) {
        cutoverMaxLag = MigrationDefaults.requireLag(events);
        return this;
    }

    /** These options as they stand now. */
    MigrationDefinition.Live snapshot() {
        return new MigrationDefinition.Live(closeTimeout, catchUpDelay, convergenceFailure, maxSourcePause,
                closeAttemptsBeforePause, onCatchUpProgress, onEventCopied, onBeforeAppend, maxEventsPerSecond,
                manualCutover, cutoverMaxLag);
    }

    /** How the close is made to win when writers keep the source moving. */
    public LiveMigrationOptions onConvergenceFailure(ConvergenceFailureStrategy strategy) {
        convergenceFailure = Objects.requireNonNull(strategy);
        return this;
    }
}
