package dev.es.engine.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A heartbeat scheduler that tests drive by hand: tasks scheduled at a fixed delay (lease renewals) run only when
 * {@link #beat()} is called, on the caller's thread, so a test decides exactly when a lease is renewed. Cancelling a
 * task's future removes it. {@link #shutdownNow()} after the test.
 */
public final class ManualHeartbeats extends ScheduledThreadPoolExecutor {

    private record Task(Runnable task, ScheduledFuture<?> future) {
    }

    private final List<Task> tasks = new CopyOnWriteArrayList<>();

    public ManualHeartbeats() {
        super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        ScheduledFuture<?> future = super.schedule(() -> { }, 1, TimeUnit.DAYS); // cancellable, never due in a test
        tasks.add(new Task(command, future));
        return future;
    }

    /** Runs every scheduled task that is not cancelled, once; answers how many ran. */
    public int beat() {
        int ran = 0;
        for (Task t : tasks) {
            if (t.future().isCancelled()) {
                tasks.remove(t);
            } else {
                t.task().run();
                ran++;
            }
        }
        return ran;
    }
}
