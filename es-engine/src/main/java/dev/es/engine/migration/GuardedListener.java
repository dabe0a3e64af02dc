package dev.es.engine.migration;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MigrationListener} whose failures are logged and go no further: a listener (metrics, a user's own) that
 * throws never stops, fails or hangs a migration, wherever in the protocol it is called.
 */
final class GuardedListener implements MigrationListener {

    private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

    private final MigrationListener delegate;

    private GuardedListener(MigrationListener delegate) {
        this.delegate = delegate;
    }

    /** {@code listener} guarded, once. */
    static MigrationListener of(MigrationListener listener) {
        return listener instanceof GuardedListener || listener == MigrationListener.NONE ? listener
                : new GuardedListener(listener);
    }

    private void guarded(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("Migration listener {} failed on {}; the migration goes on", delegate, event, e);
        }
    }

    @Override
    public void started(String migrationId, String objectName, String objectId) {
        guarded("started", () -> delegate.started(migrationId, objectName, objectId));
    }

    @Override
    public void eventsCopied(String objectName, int count) {
        guarded("eventsCopied", () -> delegate.eventsCopied(objectName, count));
    }

    @Override
    public void catchUpIteration(String objectName) {
        guarded("catchUpIteration", () -> delegate.catchUpIteration(objectName));
    }

    @Override
    public void cutover(String objectName, Duration took) {
        guarded("cutover", () -> delegate.cutover(objectName, took));
    }

    @Override
    public void lockAcquired(String key, Duration waited) {
        guarded("lockAcquired", () -> delegate.lockAcquired(key, waited));
    }

    @Override
    public void lockAcquireFailed(String key) {
        guarded("lockAcquireFailed", () -> delegate.lockAcquireFailed(key));
    }

    @Override
    public void finished(MigrationResult result) {
        guarded("finished", () -> delegate.finished(result));
    }
}
