package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/** Options of the live path: close timeout, catch-up pacing, callbacks, convergence strategy. */
public final class LiveMigrationOptions {

    Duration closeTimeout;
    Duration catchUpDelay;
    ConvergenceFailureStrategy convergenceFailure;
    Duration maxSourcePause;
    int closeAttemptsBeforePause;
    Consumer<CatchUpProgress> onCatchUpProgress = p -> { };
    Consumer<StoredEvent> onEventCopied = e -> { };
    Consumer<EventData> onBeforeAppend = e -> { };

    LiveMigrationOptions(MigrationDefaults defaults) {
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

    /** These options as they stand now. */
    MigrationDefinition.Live snapshot() {
        return new MigrationDefinition.Live(closeTimeout, catchUpDelay, convergenceFailure, maxSourcePause,
                closeAttemptsBeforePause, onCatchUpProgress, onEventCopied, onBeforeAppend);
    }

    /** How the close is made to win when writers keep the source moving. */
    public LiveMigrationOptions onConvergenceFailure(ConvergenceFailureStrategy strategy) {
        convergenceFailure = Objects.requireNonNull(strategy);
        return this;
    }
}
