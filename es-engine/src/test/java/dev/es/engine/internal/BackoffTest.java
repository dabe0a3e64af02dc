package dev.es.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The engine's one retry policy: bounded attempts, jittered pauses doubling up to a maximum. */
class BackoffTest {

    @Test
    void allowsAttemptsUpToTheBound() {
        Backoff.Retry retry = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3).start();

        assertThat(retry.failed()).isTrue();
        assertThat(retry.failed()).isTrue();
        assertThat(retry.failed()).isFalse();
        assertThat(retry.failures()).isEqualTo(3);
    }

    @Test
    void pausesBetweenHalfAndAllOfAPauseThatDoublesUpToTheMaximum() {
        Backoff.Retry retry = new Backoff(Duration.ofMillis(20), Duration.ofMillis(40), 10).start();

        assertThat(retry.nextPause()).isEqualTo(Duration.ofMillis(20));
        assertThat(timed(retry)).isGreaterThanOrEqualTo(10L);
        assertThat(retry.nextPause()).isEqualTo(Duration.ofMillis(40));
        assertThat(timed(retry)).isGreaterThanOrEqualTo(20L);
        assertThat(retry.nextPause()).isEqualTo(Duration.ofMillis(40)); // capped at the maximum
    }

    @Test
    void anInterruptedPauseSaysSoAndKeepsTheInterrupt() {
        Backoff.Retry retry = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5), 2).start();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(retry::pause).hasMessageContaining("Interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void refusesANonsensePolicy() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofMillis(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(2), Duration.ofMillis(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long timed(Backoff.Retry retry) {
        long start = System.nanoTime();
        retry.pause();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
