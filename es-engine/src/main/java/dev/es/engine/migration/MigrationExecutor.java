package dev.es.engine.migration;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * Runs migrations on the {@link Executor} it is given, at most {@code maxConcurrent} at a time (the others wait, in
 * the order they were started, and count as pending), each with its migration id in the logging MDC under
 * {@value #MDC_KEY}. It owns the executor only when told so: then {@link #close()} shuts it down.
 */
final class MigrationExecutor implements AutoCloseable {

    /** The MDC key of the migration id on a migration's thread. */
    static final String MDC_KEY = "es.migrationId";

    private final Executor executor;
    private final boolean owned;
    private final int maxConcurrent;
    private final Deque<Task> waiting = new ArrayDeque<>();
    private int active;
    private boolean closed;

    /** One migration to run, and what to do when it cannot be (the executor refused it, or this was closed). */
    private record Task(String migrationId, Runnable body, Consumer<String> refuse) {
    }

    MigrationExecutor(Executor executor, boolean owned, int maxConcurrent) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.owned = owned;
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrentMigrations must be 1 or more, was " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
    }

    /**
     * Runs {@code body} now or once a running migration ends; calls {@code refuse} with why when it never will.
     */
    void submit(String migrationId, Runnable body, Consumer<String> refuse) {
        Task task = new Task(migrationId, body, refuse);
        synchronized (this) {
            if (closed) {
                refuse.accept("could not be started: the migration service is closed");
                return;
            }
            if (active >= maxConcurrent) {
                waiting.add(task);
                return;
            }
            active++;
        }
        dispatch(task);
    }

    /** How many migrations wait for a free place. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void dispatch(Task task) {
        try {
            executor.execute(() -> run(task));
        } catch (RuntimeException e) {
            task.refuse().accept("could not be started: " + e);
            next();
        }
    }

    private void run(Task task) {
        MDC.put(MDC_KEY, task.migrationId());
        try {
            task.body().run();
        } finally {
            MDC.remove(MDC_KEY);
            next();
        }
    }

    /** A place is free: the next waiting migration takes it. */
    private void next() {
        Task next;
        synchronized (this) {
            next = closed ? null : waiting.poll();
            if (next == null) {
                active--;
                return;
            }
        }
        dispatch(next);
    }

    /** Refuses the migrations still waiting, and shuts the executor down when it is this one's own. */
    @Override
    public void close() {
        List<Task> refused;
        synchronized (this) {
            closed = true;
            refused = List.copyOf(waiting);
            waiting.clear();
        }
        refused.forEach(task -> task.refuse().accept("could not be started: the migration service was closed"));
        if (owned && executor instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }
}
