package dev.es.engine.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How store calls are retried and guarded (configured as {@code es.resilience.*}).
 *
 * @param maxAttempts           attempts of one call in all, the first included ({@code 1}: no retry)
 * @param initialBackoff        the pause before the second attempt
 * @param maxBackoff            the longest pause between two attempts
 * @param backoffMultiplier     how much the pause grows after each failed attempt (1 or more); each pause is
 *                              jittered by half of it either way
 * @param circuitBreaker        whether a circuit breaker per store fails calls fast while the store keeps failing
 * @param failureRateThreshold  the percentage of transient failures among the last calls that opens the breaker
 * @param slidingWindowSize     how many of the last calls the failure rate is taken over
 * @param minimumNumberOfCalls  how many calls the window needs before the rate counts
 * @param openStateWait         how long an open breaker refuses calls before it lets a few through to test the store
 */
public record ResilienceSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                                 double backoffMultiplier, boolean circuitBreaker, int failureRateThreshold,
                                 int slidingWindowSize, int minimumNumberOfCalls, Duration openStateWait) {

    public ResilienceSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + maxAttempts);
        }
        requirePositive("initialBackoff", initialBackoff);
        requirePositive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be shorter than"
                    + " initialBackoff (" + initialBackoff + ")");
        }
        if (!(backoffMultiplier >= 1) || Double.isInfinite(backoffMultiplier)) {
            throw new IllegalArgumentException("backoffMultiplier must be 1 or more, was " + backoffMultiplier);
        }
        if (failureRateThreshold < 1 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failureRateThreshold must be 1 to 100 (percent), was "
                    + failureRateThreshold);
        }
        if (slidingWindowSize < 1) {
            throw new IllegalArgumentException("slidingWindowSize must be 1 or more, was " + slidingWindowSize);
        }
        if (minimumNumberOfCalls < 1) {
            throw new IllegalArgumentException("minimumNumberOfCalls must be 1 or more, was " + minimumNumberOfCalls);
        }
        requirePositive("openStateWait", openStateWait);
    }

    /**
     * 5 attempts, pauses from 100 ms doubling to at most 5 s; a breaker per store that opens when half of the last 20
     * calls (at least 10) failed transiently, for 30 s.
     */
    public static ResilienceSettings defaults() {
        return new ResilienceSettings(5, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, true, 50, 20, 10,
                Duration.ofSeconds(30));
    }

    /** One attempt and no breaker: every store error reaches the caller at once. */
    public static ResilienceSettings none() {
        return new ResilienceSettings(1, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, false, 100, 1, 1,
                Duration.ofMillis(1));
    }

    /** These settings with {@code attempts} attempts and pauses from {@code initial} up to {@code max}. */
    public ResilienceSettings withRetry(int attempts, Duration initial, Duration max) {
        return new ResilienceSettings(attempts, initial, max, backoffMultiplier, circuitBreaker, failureRateThreshold,
                slidingWindowSize, minimumNumberOfCalls, openStateWait);
    }

    /** These settings with a breaker that opens at {@code ratePercent} of the last {@code window} calls. */
    public ResilienceSettings withCircuitBreaker(int ratePercent, int window, int minimumCalls, Duration openWait) {
        return new ResilienceSettings(maxAttempts, initialBackoff, maxBackoff, backoffMultiplier, true, ratePercent,
                window, minimumCalls, openWait);
    }

    /** These settings without a circuit breaker. */
    public ResilienceSettings withoutCircuitBreaker() {
        return new ResilienceSettings(maxAttempts, initialBackoff, maxBackoff, backoffMultiplier, false,
                failureRateThreshold, slidingWindowSize, minimumNumberOfCalls, openStateWait);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
