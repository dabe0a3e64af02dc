package dev.es.engine.migration;

import java.time.Duration;

/** Hears what migrations do, for metrics; every method is a no-op by default. */
public interface MigrationListener {

    MigrationListener NONE = new MigrationListener() {
    };

    /** A migration took its lock and begins (or resumes) its work. */
    default void started(String migrationId, String objectName, String objectId) {
    }

    default void eventsCopied(String objectName, int count) {
    }

    default void catchUpIteration(String objectName) {
    }

    /** Time from the close being written to the document pointing at the target. */
    default void cutover(String objectName, Duration took) {
    }

    default void lockAcquired(String key, Duration waited) {
    }

    default void lockAcquireFailed(String key) {
    }

    default void finished(MigrationResult result) {
    }
}
