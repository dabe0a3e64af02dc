package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.event.EventData;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.CountingEventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Design section 4 point 5 and section 9 point 3, counted at the store SPI ({@link CountingEventStore}): an append
 * costs the same store calls on a stream of 20,000 events as on one of 10 and reads none of its events; a catch-up
 * reads only what lies past the target's high-water mark, each source event once across its iterations, and finds
 * the mark by reading the target's last event, never the target's history.
 */
@Tag("design-4.5")
@Tag("design-9.3")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AppendAndCatchUpCostTest {

    private static final Logger log = LoggerFactory.getLogger(AppendAndCatchUpCostTest.class);
    private static final int CHUNK = 50;

    private CountingEventStore main;
    private CountingEventStore other;
    private FaultInjectingEventStore faultyOther;
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void stores() {
        main = new CountingEventStore(new InMemoryEventStore("main"));
        other = new CountingEventStore(new InMemoryEventStore("other"));
        faultyOther = new FaultInjectingEventStore(other);
        streams = new EventStreams(EventStoreRegistry.of(main, faultyOther), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults().withChunkSize(CHUNK), "main");
        migrations = new DefaultEventStreamMigrationService(streams, new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable(), new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(1),
                ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        migrations.close();
    }

    private static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + text + "\"}", null);
    }

    private String objectWith(int events) {
        String id = "o" + UUID.randomUUID().toString().substring(0, 12);
        EventStream stream = streams.open("Order", id);
        for (int from = 0; from < events; from += 1000) {
            stream.append(ExpectedVersion.any(), IntStream.range(from, Math.min(events, from + 1000))
                    .mapToObj(i -> note("n" + i)).toList());
        }
        return id;
    }

    /** The store calls of an {@code any()} and an exact append through a handle, then one through a new handle. */
    private record AppendCost(int reads, long eventsRead, int versionCalls, int appendCalls) {
    }

    private AppendCost twoAppends(String id) {
        main.reset();
        EventStream handle = streams.open("Order", id);
        long version = handle.append(ExpectedVersion.any(), List.of(note("any"))).newVersion();
        handle.append(ExpectedVersion.exactly(version), List.of(note("exact")));
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("any again")));
        AppendCost cost = new AppendCost(main.reads("order-" + id).size(), main.eventsRead("order-" + id),
                main.versionCalls(), main.appendCalls());
        log.info("Three appends to a stream of {} events: {}", version - 1, cost);
        return cost;
    }

    @Test
    @DisplayName("design 4.5: an append costs the same store calls on a stream of 20,000 events as on one of 10")
    void anAppendCostsTheSameOnALongStreamAsOnAShortOne() {
        String shortOne = objectWith(10);
        String longOne = objectWith(20_000);

        AppendCost onShort = twoAppends(shortOne);
        AppendCost onLong = twoAppends(longOne);

        assertThat(onLong).as("store calls of appends to a stream of 20,000 events vs 10").isEqualTo(onShort);
        assertThat(onLong.appendCalls()).isEqualTo(3);
        assertThat(onLong.eventsRead()).as("events an append reads").isZero();
        assertThat(main.version("order-" + longOne)).isEqualTo(20_003);
        assertThat(main.version("order-" + shortOne)).isEqualTo(13);
    }

    @Test
    @DisplayName("design 4.5, 9.3: a resumed catch-up reads only past the target's high-water mark, each event once")
    void aCatchUpReadsOnlyPastTheHighWaterMarkEachEventOnce() {
        String id = objectWith(5 * CHUNK);
        String source = "order-" + id;
        String target = source + "-v2";
        // the first run dies on its fourth page: the target holds three pages of copies
        faultyOther.crashOn(4, batch -> !batch.get(batch.size() - 1).isCloseEvent(),
                FaultInjectingEventStore.When.BEFORE_WRITE);
        MigrationResult died = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(died.status()).isEqualTo(MigrationStatus.FAILED);
        long highWaterMark = 3L * CHUNK;
        assertThat(other.version(target)).isEqualTo(highWaterMark);

        // the re-run resumes; writers add events during its first two catch-up iterations
        main.reset();
        other.reset();
        List<Integer> iterations = new ArrayList<>();
        MigrationResult resumed = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    iterations.add(p.iteration());
                    if (p.iteration() <= 2) {
                        streams.open("Order", id).append(ExpectedVersion.any(),
                                IntStream.range(0, 30).mapToObj(i -> note("during-" + p.iteration() + "-" + i))
                                        .toList());
                    }
                }))
                .execute();
        assertThat(resumed.isSuccess()).as("%s", resumed).isTrue();
        assertThat(resumed.migrationId()).isEqualTo(died.migrationId());
        assertThat(iterations).as("catch-up iterations").hasSizeGreaterThanOrEqualTo(3);
        long lastBusinessVersion = 5L * CHUNK + 60;

        List<CountingEventStore.Read> sourceReads = main.reads(source);
        log.info("Source reads of the resumed catch-up (high-water mark {}): {}", highWaterMark, sourceReads);
        log.info("Target reads: {}", other.reads(target));
        assertThat(sourceReads).as("source reads").isNotEmpty()
                .allSatisfy(r -> assertThat(r.fromVersion()).as("%s starts past the high-water mark", r)
                        .isGreaterThan(highWaterMark));
        List<Long> read = sourceReads.stream().filter(r -> r.maxCount() > 1).flatMap(r -> r.versions().stream())
                .toList();
        Set<Long> distinct = new HashSet<>(read);
        assertThat(read).as("each source event read once by the copy").hasSameSizeAs(distinct);
        assertThat(distinct).as("the copy read what lay past the mark")
                .containsAll(LongStream.rangeClosed(highWaterMark + 1, lastBusinessVersion).boxed().toList());
        assertThat(main.eventsRead(source)).as("all source events read, pages and single-event reads")
                .isLessThanOrEqualTo(lastBusinessVersion - highWaterMark + sourceReads.size());

        assertThat(other.reads(target)).as("the target's high-water mark is read from its last event")
                .isNotEmpty().allSatisfy(r -> {
                    assertThat(r.maxCount()).isEqualTo(1);
                    assertThat(r.fromVersion()).isGreaterThanOrEqualTo(highWaterMark);
                });
        assertThat(other.version(target)).isEqualTo(lastBusinessVersion);
    }
}
