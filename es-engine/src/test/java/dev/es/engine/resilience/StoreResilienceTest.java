package dev.es.engine.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.store.memory.InMemoryEventStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreResilience} over a real in-memory store behind a fault wrapper that times out (a socket timeout, as a
 * network store gives): transient errors retried until they pass or the attempts run out, other errors never, appends
 * never; the breaker opens after repeated transient failures, fails calls fast without reaching the store, and closes
 * again once the store answers.
 */
class StoreResilienceTest {

    /** A real store whose next {@code faults} reads and appends time out. */
    private static final class TimingOut implements EventStore {
        final InMemoryEventStore store = new InMemoryEventStore("main");
        final AtomicInteger faults = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        private void maybeFail() {
            calls.incrementAndGet();
            if (faults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new UncheckedIOException(new SocketTimeoutException("injected fault: read timed out"));
            }
        }

        @Override
        public String name() {
            return store.name();
        }

        @Override
        public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
            maybeFail();
            return store.read(streamId, fromVersion, maxCount);
        }

        @Override
        public long version(String streamId) {
            maybeFail();
            return store.version(streamId);
        }

        @Override
        public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                            long fencingToken) {
            maybeFail();
            return store.appendValidated(streamId, expected, events, fencingToken);
        }

        @Override
        public void delete(String streamId) {
            store.delete(streamId);
        }
    }

    private final TimingOut faulty = new TimingOut();

    private static StoreResilience retrying(int attempts) {
        return StoreResilience.of(ResilienceSettings.defaults().withRetry(attempts, Duration.ofMillis(1),
                Duration.ofMillis(5)).withoutCircuitBreaker());
    }

    @Test
    void transientReadErrorsAreRetriedUntilTheyPass() {
        EventStore store = retrying(4).decorate(faulty);
        store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        faulty.faults.set(3);
        faulty.calls.set(0);

        assertThat(store.version("s")).isEqualTo(1);
        assertThat(store.read("s", 1, 10)).hasSize(1);
        assertThat(faulty.calls.get()).isEqualTo(5); // 3 timeouts + the version + the read
    }

    @Test
    void whenTheAttemptsRunOutTheLastErrorIsThrownAsItWas() {
        EventStore store = retrying(3).decorate(faulty);
        faulty.faults.set(10);

        assertThatThrownBy(() -> store.version("s")).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class);
        assertThat(faulty.calls.get()).isEqualTo(3);
    }

    @Test
    void conflictsAndAppendsAreNotRetried() {
        EventStore store = retrying(5).decorate(faulty);
        store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        faulty.calls.set(0);

        assertThatThrownBy(() -> store.append("s", ExpectedVersion.exactly(7), List.of(EventData.of("B", "{}"))))
                .isInstanceOf(WrongExpectedVersionException.class);
        faulty.faults.set(1);
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.exactly(1), List.of(EventData.of("B", "{}"))))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(faulty.calls.get()).as("each append made once").isEqualTo(2);
        assertThat(StoreResilience.retried(new CommitFailedException("s", ExpectedVersion.any(), 1, 2, true,
                new SocketTimeoutException()))).as("an unknown outcome is the caller's to resolve").isFalse();
    }

    @Test
    void theBreakerOpensFailsFastAndClosesWhenTheStoreAnswers() {
        StoreResilience resilience = StoreResilience.of(ResilienceSettings.none()
                .withCircuitBreaker(50, 4, 4, Duration.ofMillis(200)));
        EventStore store = resilience.decorate(faulty);
        faulty.faults.set(4);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> store.version("s")).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(resilience.circuitState("main")).isEqualTo(CircuitBreaker.State.OPEN);

        int before = faulty.calls.get();
        assertThatThrownBy(() -> store.version("s")).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("'main'");
        assertThat(faulty.calls.get()).as("refused without reaching the store").isEqualTo(before);
        assertThat(resilience.circuitState("other")).as("one breaker per store").isEqualTo(CircuitBreaker.State.CLOSED);

        // after the open wait the breaker lets calls through again; the store answers and it closes
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .ignoreException(StoreUnavailableException.class).untilAsserted(() ->
                assertThat(store.version("s")).isZero());
        for (int i = 0; i < 10; i++) {
            store.version("s");
        }
        assertThat(resilience.circuitState("main")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void settingsRefuseImpossibleValuesNamingThem() {
        assertThatThrownBy(() -> ResilienceSettings.defaults().withRetry(0, Duration.ofMillis(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> ResilienceSettings.defaults().withRetry(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> ResilienceSettings.defaults().withCircuitBreaker(0, 10, 5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureRateThreshold");
    }
}
