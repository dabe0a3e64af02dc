package dev.es.autoconfigure;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one scheduler that renews the leases of es's lock provider: a single daemon thread ({@value #THREAD_NAME}),
 * made once per application context and shut down when the context closes. A wrapper rather than a bean of type
 * {@link ScheduledExecutorService}, which Spring's {@code @Scheduled} support and Boot's task-scheduling
 * auto-configuration would take for the application's own scheduler.
 */
final class EsLockHeartbeats implements AutoCloseable {

    /** The name of the heartbeat thread. */
    static final String THREAD_NAME = "es-lock-heartbeats";

    private final ScheduledThreadPoolExecutor scheduler;

    EsLockHeartbeats() {
        scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true); // a released lock's renewal leaves the queue at once
    }

    /** The scheduler the lock provider renews its leases on. */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Stops the heartbeat thread; called when the context closes, after the lock provider it serves. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
