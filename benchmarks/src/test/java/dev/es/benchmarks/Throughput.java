package dev.es.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/** One side of one round of figures 1 and 2: writers appending back to back, each to its own new stream. */
final class Throughput {

    private Throughput() {
    }

    /**
     * Events per second appended by {@code writers} threads, each to a stream of its own (new, primed before the clock
     * starts), in batches of {@code batch}, back to back until {@code window} has passed or {@code maxEvents} were
     * appended; the time runs from the moment all writers are released to the end of the last one's last append.
     */
    static double measure(AppendTarget target, int writers, int batch, Duration window, long maxEvents)
            throws Exception {
        String round = UUID.randomUUID().toString().substring(0, 8);
        List<AppendTarget.Writer> opened = new ArrayList<>();
        double result;
        try {
            for (int i = 0; i < writers; i++) {
                opened.add(target.open("bench-" + round + "-" + i, batch));
            }
            result = run(target, opened, batch, window, maxEvents);
        } catch (Exception e) {
            closeAll(opened);
            throw e;
        }
        Exception failed = closeAll(opened);
        if (failed != null) {
            throw failed;
        }
        return result;
    }

    /** Checks what each writer's stream holds, then deletes it (not timed); answers the first failure. */
    private static Exception closeAll(List<AppendTarget.Writer> opened) {
        Exception failed = null;
        for (AppendTarget.Writer writer : opened) {
            try {
                writer.close();
            } catch (Exception e) {
                failed = failed == null ? e : failed;
            }
        }
        return failed;
    }

    private static double run(AppendTarget target, List<AppendTarget.Writer> opened, int batch, Duration window,
                              long maxEvents) throws Exception {
        int writers = opened.size();
        long[] started = new long[1];
        CyclicBarrier start = new CyclicBarrier(writers, () -> started[0] = System.nanoTime());
        long[] counts = new long[writers];
        long[] ends = new long[writers];
        long perWriter = Math.max(batch, maxEvents / writers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int w = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    long deadline = started[0] + window.toNanos();
                    AppendTarget.Writer writer = opened.get(w);
                    long n = 0;
                    long now;
                    do {
                        writer.append();
                        n += batch;
                        now = System.nanoTime();
                    } while (now - deadline < 0 && n < perWriter && failure.get() == null);
                    counts[w] = n;
                    ends[w] = now;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-writer-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(target.label() + " failed: " + failure.get(), failure.get());
        }
        long events = 0;
        long end = 0;
        for (int i = 0; i < writers; i++) {
            events += counts[i];
            end = Math.max(end, ends[i] - started[0]);
        }
        return events / (end / 1e9);
    }
}
