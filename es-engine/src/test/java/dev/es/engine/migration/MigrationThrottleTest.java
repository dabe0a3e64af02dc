package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.blob.AppendTooLargeException;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The copy's rate limit ({@code maxEventsPerSecond}) on the memory stores: the copy keeps to it, pages of at most a
 * second's worth, pause and cancel wake a waiting copy at once, and the service default applies. Also the copy's
 * smaller appends when a page is too large for one append to the target.
 */
@Timeout(60)
class MigrationThrottleTest {

    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final InMemoryEventStore other = new InMemoryEventStore("other");
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    private void start(MigrationDefaults defaults, EventStore target) {
        streams = new EventStreams(EventStoreRegistry.of(main, target), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults().withChunkSize(100), "main");
        migrations = new DefaultEventStreamMigrationService(streams, new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable(), defaults, MigrationListener.NONE, Clock.systemUTC());
    }

    private void start(MigrationDefaults defaults) {
        start(defaults, other);
    }

    private static MigrationDefaults defaults() {
        return new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(5),
                ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO);
    }

    @AfterEach
    void tearDown() {
        if (migrations != null) {
            migrations.close();
        }
    }

    private String objectWith(int events) {
        String id = "t" + UUID.randomUUID().toString().substring(0, 10);
        streams.open("Order", id).append(ExpectedVersion.noStream(),
                IntStream.range(0, events).mapToObj(i -> new EventData(null, "NoteAdded", 1,
                        "{\"text\":\"n" + i + "\"}", null)).toList());
        return id;
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
                .until(condition::getAsBoolean);
    }

    @Test
    void theCopyKeepsToTheRateInPagesOfASecondsWorth() {
        start(defaults());
        String id = objectWith(120);
        List<Long> copiedAt = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.maxEventsPerSecond(50)
                        .onEventCopied(e -> copiedAt.add(System.nanoTime() - started)))
                .execute();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(other.version("order-" + id + "-v2")).isEqualTo(120);
        // pages of 50: the first at once, the second after a second, the third (20) after two
        assertThat(tookMillis).as("120 events at 50/s").isGreaterThanOrEqualTo(1_950);
        assertThat(copiedAt.get(49)).isLessThan(TimeUnit.MILLISECONDS.toNanos(1_000));
        assertThat(copiedAt.get(50)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(990));
        assertThat(copiedAt.get(100)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_990));
    }

    @Test
    void theServiceDefaultAppliesAndAMigrationMayLiftIt() {
        start(defaults().withMaxEventsPerSecond(20));
        String slow = objectWith(30);
        long started = System.nanoTime();
        assertThat(migrations.forDocument("Order", slow).withTargetStore("other").execute().status())
                .isEqualTo(MigrationStatus.COMPLETED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(950);

        String fast = objectWith(3_000);
        started = System.nanoTime();
        assertThat(migrations.forDocument("Order", fast).withTargetStore("other")
                .withLiveMigration(o -> o.maxEventsPerSecond(0)).execute().status())
                .isEqualTo(MigrationStatus.COMPLETED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .as("no limit: 3,000 events would take 150 s at the default").isLessThan(20_000);
    }

    @Test
    void cancelAndPauseWakeAThrottledCopyAtOnce() throws Exception {
        start(defaults());
        String id = objectWith(20);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.maxEventsPerSecond(0.5)).start();
        waitFor("the first event copied", () -> handle.progress().eventsCopied() == 1);
        long asked = System.nanoTime();
        handle.pause();
        waitFor("paused", () -> handle.progress().status() == MigrationStatus.PAUSED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).as("the 2 s wait was cut short")
                .isLessThan(1_500);
        Awaitility.await("nothing copied while paused").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> handle.progress().eventsCopied() == 1);
        handle.resume();
        asked = System.nanoTime();
        assertThat(handle.cancel()).isTrue();
        MigrationResult result = handle.await(Duration.ofSeconds(10));
        assertThat(result.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).isLessThan(1_500);
        assertThat(other.version("order-" + id + "-v2")).isZero();
    }

    @Test
    void aBadRateIsRefused() {
        start(defaults());
        String id = objectWith(1);
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withLiveMigration(o -> o.maxEventsPerSecond(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEventsPerSecond");
        assertThatThrownBy(() -> migrations.forDocument("Order", id)
                .withLiveMigration(o -> o.maxEventsPerSecond(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults().withMaxEventsPerSecond(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDurationBeyondWhatADeadlineCanHoldIsRefused() {
        start(defaults());
        String id = objectWith(1);
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withLiveMigration(o -> o.closeTimeout(forever)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closeTimeout")
                .hasMessageContaining("at most 3650 days");
        assertThatThrownBy(() -> migrations.forDocument("Order", id)
                .withDistributedLock(l -> l.timeout(Duration.ofDays(100_000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThat(migrations.forDocument("Order", id).withDistributedLock(l -> l.timeout(Duration.ofDays(3650))))
                .isNotNull();
    }

    @Test
    void aPageTooLargeForOneTargetAppendIsCopiedInSmallerAppends() {
        List<Integer> appends = Collections.synchronizedList(new ArrayList<>());
        start(defaults(), new SmallAppends(other, 7, appends));
        String id = objectWith(40);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(result.status()).as("%s", result).isEqualTo(MigrationStatus.COMPLETED);
        List<StoredEvent> copies = other.read("order-" + id + "-v2", 1, 100);
        assertThat(copies).hasSize(40);
        assertThat(copies).extracting(StoredEvent::eventId).containsExactlyElementsOf(
                main.read("order-" + id, 1, 40).stream().map(StoredEvent::eventId).toList());
        assertThat(appends).allMatch(n -> n <= 7);
    }

    @Test
    void anEventTooLargeForTheTargetFailsTheMigrationBeforeTheClose() {
        start(defaults(), new SmallAppends(other, 0, new ArrayList<>()));
        String id = objectWith(3);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(result.error()).hasMessageContaining("too large for one append");
        assertThat(main.closeEvent("order-" + id)).isNull();
    }

    /** A target store that refuses, as the blob store does for its 4 MiB, appends of more than a few events. */
    private static final class SmallAppends implements EventStore {
        private final EventStore delegate;
        private final int maxEvents;
        private final List<Integer> appends;

        SmallAppends(EventStore delegate, int maxEvents, List<Integer> appends) {
            this.delegate = delegate;
            this.maxEvents = maxEvents;
            this.appends = appends;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
            return delegate.read(streamId, fromVersion, maxCount);
        }

        @Override
        public long version(String streamId) {
            return delegate.version(streamId);
        }

        @Override
        public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                            long fencingToken) {
            if (events.size() > maxEvents) {
                throw new AppendTooLargeException(streamId, events.size(), events.size() * 1000L, maxEvents * 1000L);
            }
            appends.add(events.size());
            return delegate.appendValidated(streamId, expected, events, fencingToken);
        }

        @Override
        public boolean supportsFencing() {
            return delegate.supportsFencing();
        }

        @Override
        public OptionalLong raiseFence(String streamId, long token) {
            return delegate.raiseFence(streamId, token);
        }

        @Override
        public void delete(String streamId) {
            delegate.delete(streamId);
        }
    }
}
