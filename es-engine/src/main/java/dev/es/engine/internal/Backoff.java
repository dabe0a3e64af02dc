package dev.es.engine.internal;

import dev.es.engine.EsException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Internal, not part of the API: the one small retry policy of the engine's retry loops (a lost race on a blob, a
 * document that changed during a cutover, a routing entry saved concurrently): a bounded number of attempts with a
 * jittered pause between them that doubles from {@code first} up to {@code max}. Each loop takes its own
 * {@link Retry} from {@link #start()}.
 */
public final class Backoff {

    private final long firstNanos;
    private final long maxNanos;
    private final int maxAttempts;

    /**
     * @param first       the first pause
     * @param max         the longest pause
     * @param maxAttempts how many attempts may fail before the loop gives up
     */
    public Backoff(Duration first, Duration max, int maxAttempts) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("Backoff needs 0 < first <= max and 1 or more attempts, was " + first
                    + ", " + max + ", " + maxAttempts);
        }
        this.firstNanos = first.toNanos();
        this.maxNanos = max.toNanos();
        this.maxAttempts = maxAttempts;
    }

    /** A new series of attempts. */
    public Retry start() {
        return new Retry();
    }

    /** One loop's attempts: count each failure, pause before the next attempt. */
    public final class Retry {

        private int failures;
        private long nextNanos = firstNanos;

        private Retry() {
        }

        /**
         * Counts a failed attempt.
         *
         * @return whether another attempt may be made; false once {@code maxAttempts} have failed
         */
        public boolean failed() {
            return ++failures < maxAttempts;
        }

        /** The pause {@link #pause()} takes next, before its jitter. */
        Duration nextPause() {
            return Duration.ofNanos(nextNanos);
        }

        /** How many attempts have failed. */
        public int failures() {
            return failures;
        }

        /**
         * Sleeps before the next attempt: half of the current pause plus a random part of the other half; the pause
         * then doubles, up to the longest.
         *
         * @throws EsException when interrupted (the thread's interrupt flag is set again)
         */
        public void pause() {
            long half = nextNanos / 2;
            long sleep = half + ThreadLocalRandom.current().nextLong(half + 1);
            nextNanos = Math.min(maxNanos, nextNanos * 2);
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(1, sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EsException("Interrupted while waiting to try again", e);
            }
        }
    }
}
