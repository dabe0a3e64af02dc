package dev.es.engine.migration;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/** Progress reporting of one migration. */
public final class ProgressOptions {

    Duration interval = Duration.ofSeconds(2);
    Consumer<MigrationProgress> onProgress = p -> { };
    Consumer<MigrationResult> onCompleted = r -> { };

    ProgressOptions() {
    }

    /** Shortest time between two progress reports (phase changes are always reported). */
    public ProgressOptions interval(Duration value) {
        interval = MigrationDefaults.requirePositiveOrZero("interval", value);
        return this;
    }

    public ProgressOptions onProgress(Consumer<MigrationProgress> callback) {
        onProgress = Objects.requireNonNull(callback);
        return this;
    }

    /** These options as they stand now. */
    MigrationDefinition.Progress snapshot() {
        return new MigrationDefinition.Progress(interval, onProgress, onCompleted);
    }

    /** Called once with the result, whatever it is. */
    public ProgressOptions onCompleted(Consumer<MigrationResult> callback) {
        onCompleted = Objects.requireNonNull(callback);
        return this;
    }
}
