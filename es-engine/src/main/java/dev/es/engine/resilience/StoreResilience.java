package dev.es.engine.resilience;

import dev.es.engine.ErrorCategory;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store calls made resilient to transient errors: a call that fails with an error {@link ErrorCategory#of} calls
 * {@link ErrorCategory#TRANSIENT} is tried again after a jittered, growing pause, up to
 * {@link ResilienceSettings#maxAttempts()} attempts (Resilience4j {@link Retry}); conflicts, usage errors and
 * failures reach the caller at once, unchanged. A {@link CircuitBreaker} per store counts the transient failures of
 * every call to it and, while it is open, refuses calls at once with {@link StoreUnavailableException} instead of
 * waiting on a store that is down. When the attempts run out the last error is thrown as it was.
 * <p>
 * An append is never tried again here: its outcome may be unknown ({@link CommitFailedException}), which the caller
 * resolves from the store (a migration re-reads the target's high-water mark, or finds its own close); only the
 * breaker counts it. One instance is shared by every migration of a service, so that one store's breaker sees all of
 * its calls.
 */
public final class StoreResilience {

    private static final Logger log = LoggerFactory.getLogger(StoreResilience.class);

    private final ResilienceSettings settings;
    private final @Nullable RetryConfig retryConfig;
    private final @Nullable CircuitBreakerRegistry breakers;
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> circuits = new ConcurrentHashMap<>();

    private StoreResilience(ResilienceSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.retryConfig = settings.maxAttempts() == 1 ? null : RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(),
                        settings.backoffMultiplier(), 0.5, settings.maxBackoff()))
                .retryOnException(StoreResilience::retried)
                .build();
        this.breakers = !settings.circuitBreaker() ? null : CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumNumberOfCalls())
                .waitDurationInOpenState(settings.openStateWait())
                .recordException(ErrorCategory::isTransient)
                .build());
    }

    /** Resilience with {@code settings}. */
    public static StoreResilience of(ResilienceSettings settings) {
        return new StoreResilience(settings);
    }

    /** {@link ResilienceSettings#defaults()}. */
    public static StoreResilience defaults() {
        return of(ResilienceSettings.defaults());
    }

    /** {@link ResilienceSettings#none()}: no retry, no breaker. */
    public static StoreResilience none() {
        return of(ResilienceSettings.none());
    }

    /** The settings. */
    public ResilienceSettings settings() {
        return settings;
    }

    /** Whether a failure is tried again: transient, not an append's unknown outcome, not an open breaker. */
    static boolean retried(Throwable failure) {
        return ErrorCategory.isTransient(failure) && !(failure instanceof CommitFailedException)
                && !(failure instanceof StoreUnavailableException);
    }

    /**
     * Runs {@code call} against {@code store}: retried on transient errors, through the store's breaker.
     *
     * @throws StoreUnavailableException when the store's breaker is open
     */
    public <T> T call(String store, Supplier<T> call) {
        Supplier<T> guarded = guarded(store, call);
        if (retryConfig == null) {
            return guarded.get();
        }
        return retry(store).executeSupplier(guarded);
    }

    /** {@link #call} for a call without a result. */
    public void run(String store, Runnable call) {
        call(store, () -> {
            call.run();
            return null;
        });
    }

    /**
     * Runs {@code call} once through the store's breaker, never again: for a write whose outcome may be unknown.
     *
     * @throws StoreUnavailableException when the store's breaker is open
     */
    public <T> T callOnce(String store, Supplier<T> call) {
        return guarded(store, call).get();
    }

    /** {@code store} with every call made through this resilience (see {@link ResilientEventStore}). */
    public EventStore decorate(EventStore store) {
        if (retryConfig == null && breakers == null || store instanceof ResilientEventStore) {
            return store;
        }
        return new ResilientEventStore(store, this);
    }

    /** The state of {@code store}'s breaker ({@code CLOSED} when there are no breakers). */
    public CircuitBreaker.State circuitState(String store) {
        return breakers == null ? CircuitBreaker.State.CLOSED : breaker(store).getState();
    }

    private <T> Supplier<T> guarded(String store, Supplier<T> call) {
        if (breakers == null) {
            return call;
        }
        CircuitBreaker breaker = breaker(store);
        return () -> {
            try {
                return breaker.executeSupplier(call);
            } catch (CallNotPermittedException open) {
                throw new StoreUnavailableException(store, open);
            }
        };
    }

    private CircuitBreaker breaker(String store) {
        return circuits.computeIfAbsent(store, name -> {
            CircuitBreaker made = Objects.requireNonNull(breakers).circuitBreaker("es-store-" + name);
            made.getEventPublisher().onStateTransition(e -> log.warn("Store '{}': circuit breaker {}", name,
                    e.getStateTransition()));
            return made;
        });
    }

    private Retry retry(String store) {
        return retries.computeIfAbsent(store, name -> {
            Retry made = Retry.of("es-store-" + name, Objects.requireNonNull(retryConfig));
            made.getEventPublisher().onRetry(e -> log.warn("Store '{}': attempt {} failed transiently, trying again"
                    + " in {} ms: {}", name, e.getNumberOfRetryAttempts(), e.getWaitInterval().toMillis(),
                    String.valueOf(e.getLastThrowable())));
            return made;
        });
    }
}
