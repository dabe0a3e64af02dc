package dev.es.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.internal.Json;
import dev.es.engine.event.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The append invariants of the design (section 4, points 1, 2, 4 and 5) that every {@link EventStore} must keep.
 * Each store's test extends this class and says how to make a store; every test uses fresh stream ids, so a store
 * may be shared by the tests of one class.
 */
public abstract class AbstractEventStoreContractTest {

    /** A store to test; called before each test. */
    protected abstract EventStore createStore();

    /**
     * A second, independent client of the same storage as {@code store} (another connection pool, another HTTP
     * client), used to prove that appends from two processes do not lose updates. Defaults to {@code store}.
     */
    protected EventStore secondClient(EventStore store) {
        return store;
    }

    /** How many appends the concurrency test makes in all; slow remote stores may lower it. */
    protected int concurrentAppends() {
        return 10_000;
    }

    /**
     * How many events the store's tail lookup for plain {@link ExpectedVersion#any() any} retries covers at least
     * (the blob store's chunk size); 0 when the store finds event ids anywhere in a stream. The idempotency tests
     * append more than that many events of other writers between an attempt and its retry.
     */
    protected int chunkSize() {
        return 0;
    }

    /** More events than one chunk holds: what other writers append between an attempt and its retry. */
    private int moreThanAChunk() {
        return Math.max(chunkSize(), 8) * 2 + 3;
    }

    /** Appends {@code count} events of other writers, a few at a time, through the second client. */
    private void otherWritersAppend(String id, int count) {
        EventStore other = secondClient(store);
        for (int n = 0; n < count; n += 3) {
            other.append(id, ExpectedVersion.any(), events(1000 + n, Math.min(3, count - n)));
        }
    }

    /** Every event of the stream holds a different event id; the stream holds each of {@code batch} once. */
    private void assertWrittenOnce(String id, List<EventData> batch) {
        List<StoredEvent> all = store.read(id, 1, 100_000);
        assertThat(all).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
        assertThat(all).extracting(StoredEvent::eventId).containsSubsequence(
                batch.stream().map(EventData::eventId).toList());
    }

    protected EventStore store;

    @BeforeEach
    void makeStore() {
        store = createStore();
    }

    protected static String newStreamId() {
        return "contract-" + UUID.randomUUID();
    }

    protected static EventData event(int n) {
        return new EventData(null, "Thing" + (n % 3), 1, "{\"n\":" + n + ",\"text\":\"event " + n + "\"}",
                Map.of("n", String.valueOf(n)));
    }

    protected static List<EventData> events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(AbstractEventStoreContractTest::event).toList();
    }

    private static EventData close(String continuation, long lastSourceVersion) {
        return new CloseEvent(continuation, continuation == null ? null : "elsewhere", "test", null,
                lastSourceVersion, 0, Instant.now()).toEventData();
    }

    @Test
    void emptyStreamIsAtVersionZeroAndReadsNothing() {
        String id = newStreamId();
        assertThat(store.version(id)).isZero();
        assertThat(store.read(id, 1, 10)).isEmpty();
        assertThat(store.lastEvent(id)).isNull();
    }

    @Test
    void appendGivesOneBasedVersionsAndKeepsEverything() {
        String id = newStreamId();
        EventData first = new EventData("id-1", "OrderPlaced", 2, "{\"customer\":\"ada\",\"lines\":[1,2]}",
                Map.of("correlation", "c-1"));
        AppendResult result = store.append(id, ExpectedVersion.noStream(), List.of(first, event(2)));

        assertThat(result.previousVersion()).isZero();
        assertThat(result.newVersion()).isEqualTo(2);
        assertThat(result.alreadyWritten()).isFalse();
        assertThat(result.store()).isEqualTo(store.name());
        assertThat(store.version(id)).isEqualTo(2);
        List<StoredEvent> read = store.read(id, 1, 10);
        assertThat(read).extracting(StoredEvent::version).containsExactly(1L, 2L);
        StoredEvent stored = read.get(0);
        assertThat(stored.eventId()).isEqualTo("id-1");
        assertThat(stored.type()).isEqualTo("OrderPlaced");
        assertThat(stored.schemaVersion()).isEqualTo(2);
        assertThat(Json.tree(stored.payload())).isEqualTo(Json.tree(first.payload()));
        assertThat(stored.metadata()).containsEntry("correlation", "c-1");
        assertThat(stored.recordedAt()).isNotNull();
    }

    @Test
    void recordedAtMetadataIsKeptAsTheEventsTimestamp() {
        String id = newStreamId();
        Instant original = Instant.parse("2020-01-02T03:04:05.123Z");
        store.append(id, ExpectedVersion.any(), List.of(event(1).withMetadata(EventData.RECORDED_AT,
                original.toString())));
        assertThat(store.read(id, 1, 1).get(0).recordedAt()).isEqualTo(original);
    }

    @Tag("design-4.1")
    @Test
    void exactExpectedVersionMustMatch() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.exactly(0), events(0, 3));
        store.append(id, ExpectedVersion.exactly(3), events(3, 2));

        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(3), events(10, 2)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.streamId()).isEqualTo(id);
                    assertThat(e.expected()).isEqualTo(ExpectedVersion.exactly(3));
                    assertThat(e.actual()).isEqualTo(5);
                });
        assertThat(store.version(id)).isEqualTo(5);
    }

    @Tag("design-4.1")
    @Test
    void noStreamFailsOnAStreamWithEvents() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.noStream(), events(1, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.version(id)).isEqualTo(1);
    }

    @Test
    void anyAppendsWhateverTheVersion() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 2));
        store.append(id, ExpectedVersion.any(), events(2, 2));
        assertThat(store.version(id)).isEqualTo(4);
    }

    @Tag("design-4.1")
    @Test
    void aFailedAppendWritesNothing() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 2));
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(1), events(2, 50)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.read(id, 1, 100)).hasSize(2);
    }

    @Tag("design-4.1")
    @Test
    void concurrentAppendsOnOneVersionLetExactlyOneBatchIn() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 1));
        int contenders = 4;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < contenders; t++) {
            int base = 100 * (t + 1);
            EventStore client = t % 2 == 0 ? store : secondClient(store);
            futures.add(pool.submit(() -> {
                start.await();
                try {
                    client.append(id, ExpectedVersion.exactly(1), events(base, 5));
                    won.incrementAndGet();
                } catch (WrongExpectedVersionException expected) {
                    // lost the race
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(won.get()).isEqualTo(1);
        List<StoredEvent> all = store.read(id, 1, 100);
        assertThat(all).hasSize(6);
        int winnerBase = Integer.parseInt(all.get(1).metadata().get("n"));
        assertThat(all.subList(1, 6)).extracting(e -> Integer.parseInt(e.metadata().get("n")))
                .containsExactly(winnerBase, winnerBase + 1, winnerBase + 2, winnerBase + 3, winnerBase + 4);
    }

    @Tag("design-4.1")
    @Test
    void concurrentWritersWithExactVersionsLoseNothingAndDuplicateNothing() throws Exception {
        String id = newStreamId();
        int threads = 8;
        int total = concurrentAppends();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            EventStore client = t % 2 == 0 ? store : secondClient(store);
            futures.add(pool.submit(() -> {
                int conflicts = 0;
                int n;
                while ((n = next.getAndIncrement()) < total) {
                    EventData data = event(n);
                    while (true) {
                        long version = client.version(id);
                        try {
                            client.append(id, ExpectedVersion.exactly(version), List.of(data));
                            break;
                        } catch (WrongExpectedVersionException conflict) {
                            conflicts++;
                        }
                    }
                }
                return conflicts;
            }));
        }
        for (Future<Integer> f : futures) {
            f.get(15, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(store.version(id)).isEqualTo(total);
        Set<String> ids = new HashSet<>();
        long expectedVersion = 1;
        try (var all = store.stream(id, 1, 1000)) {
            for (StoredEvent e : (Iterable<StoredEvent>) all::iterator) {
                assertThat(e.version()).isEqualTo(expectedVersion++);
                assertThat(ids.add(e.eventId())).as("duplicate event id %s", e.eventId()).isTrue();
            }
        }
        assertThat(ids).hasSize(total);
    }

    @Tag("design-4.2")
    @Test
    void closedStreamRefusesAppendsAndNamesItsContinuation() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 3));
        store.append(id, ExpectedVersion.exactly(3), List.of(close("next-stream", 3)));

        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), events(3, 1)))
                .isInstanceOfSatisfying(EventStreamClosedException.class, e -> {
                    assertThat(e.streamId()).isEqualTo(id);
                    assertThat(e.hasContinuation()).isTrue();
                    assertThat(e.continuationStreamId()).isEqualTo("next-stream");
                    assertThat(e.continuationStore()).isEqualTo("elsewhere");
                    assertThat(e.close().lastSourceVersion()).isEqualTo(3);
                });
        assertThat(store.version(id)).isEqualTo(4);
        assertThat(store.lastEvent(id).isCloseEvent()).isTrue();
    }

    @Tag("design-4.2")
    @Test
    void closeWithoutContinuationSaysSo() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 1));
        store.append(id, ExpectedVersion.any(), List.of(close(null, 1)));
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), events(1, 1)))
                .isInstanceOfSatisfying(EventStreamClosedException.class,
                        e -> assertThat(e.hasContinuation()).isFalse());
    }

    @Test
    void closeWithAStaleExpectedVersionIsAConflictAndLeavesTheStreamOpen() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 3));
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(2), List.of(close("x", 2))))
                .isInstanceOf(WrongExpectedVersionException.class);
        store.append(id, ExpectedVersion.exactly(3), events(3, 1));
        assertThat(store.version(id)).isEqualTo(4);
    }

    @Test
    void closeEventMustBeLastOfItsBatch() {
        String id = newStreamId();
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), List.of(close(null, 0), event(1))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("last");
        assertThat(store.version(id)).isZero();
    }

    @Tag("design-4.4")
    @Test
    void reAppendingTheSameEventsWritesNothing() {
        String id = newStreamId();
        List<EventData> batch = events(0, 3);
        store.append(id, ExpectedVersion.noStream(), batch);
        store.append(id, ExpectedVersion.exactly(3), events(3, 1));

        AppendResult again = store.append(id, ExpectedVersion.noStream(), batch);

        assertThat(again.alreadyWritten()).isTrue();
        assertThat(again.newVersion()).isEqualTo(3);
        assertThat(store.version(id)).isEqualTo(4);
    }

    @Tag("design-4.4")
    @Test
    void anAnyAppendWithAnUnknownOutcomeRetriedAfterMoreThanAChunkOfOtherEventsIsWrittenOnce() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 2));
        long before = store.version(id);
        List<EventData> batch = events(100, 3);
        store.append(id, ExpectedVersion.any(), batch); // its answer "lost"
        ExpectedVersion retry = new CommitFailedException(id, ExpectedVersion.any(), before, before + batch.size(),
                true, null).retryCondition();
        assertThat(retry).isEqualTo(ExpectedVersion.retryOfAny(before));
        otherWritersAppend(id, moreThanAChunk());
        long after = store.version(id);

        AppendResult again = store.append(id, retry, batch);

        assertThat(again.alreadyWritten()).isTrue();
        assertThat(again.previousVersion()).isEqualTo(before);
        assertThat(again.newVersion()).isEqualTo(before + batch.size());
        assertThat(store.version(id)).isEqualTo(after);
        assertWrittenOnce(id, batch);
        assertThat(store.read(id, before + 1, batch.size())).extracting(StoredEvent::eventId)
                .containsExactlyElementsOf(batch.stream().map(EventData::eventId).toList());
    }

    @Test
    void aRetryOfAnAnyAppendThatDidNotGoThroughAppendsAtAnyVersion() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 2));
        ExpectedVersion retry = new CommitFailedException(id, ExpectedVersion.any(), 2, 4, true, null)
                .retryCondition();
        otherWritersAppend(id, moreThanAChunk());
        long after = store.version(id);
        List<EventData> batch = events(100, 2);

        AppendResult result = store.append(id, retry, batch);

        assertThat(result.alreadyWritten()).isFalse();
        assertThat(result.previousVersion()).isEqualTo(after);
        assertThat(store.version(id)).isEqualTo(after + 2);
        assertThat(store.read(id, after + 1, 10)).extracting(StoredEvent::eventId)
                .containsExactlyElementsOf(batch.stream().map(EventData::eventId).toList());
    }

    @Test
    void aRetryOfAnAnyAppendThatPartlyRepeatsWhatIsAtItsPositionIsRefused() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 2));
        List<EventData> batch = events(100, 3);
        store.append(id, ExpectedVersion.any(), batch);
        otherWritersAppend(id, moreThanAChunk());
        long after = store.version(id);
        List<EventData> mixed = List.of(batch.get(0), batch.get(1), event(999));

        assertThatThrownBy(() -> store.append(id, ExpectedVersion.retryOfAny(2), mixed))
                .isInstanceOf(DuplicateEventIdException.class);
        assertThat(store.version(id)).isEqualTo(after);
    }

    @Tag("design-4.4")
    @Test
    void anExactAppendWithAnUnknownOutcomeRetriedAfterMoreThanAChunkOfOtherEventsIsWrittenOnce() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 4));
        List<EventData> batch = events(100, 3);
        store.append(id, ExpectedVersion.exactly(4), batch);
        ExpectedVersion retry = new CommitFailedException(id, ExpectedVersion.exactly(4), 4, 7, true, null)
                .retryCondition();
        assertThat(retry).isEqualTo(ExpectedVersion.exactly(4));
        otherWritersAppend(id, moreThanAChunk());
        long after = store.version(id);

        AppendResult again = store.append(id, retry, batch);

        assertThat(again.alreadyWritten()).isTrue();
        assertThat(again.previousVersion()).isEqualTo(4);
        assertThat(again.newVersion()).isEqualTo(7);
        assertThat(store.version(id)).isEqualTo(after);
        assertWrittenOnce(id, batch);
        // a batch of new ids on the same stale version is still a conflict
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(4), events(200, 3)))
                .isInstanceOf(WrongExpectedVersionException.class);
    }

    @Test
    void aCloseRetriedWithItsExactVersionAfterTheStreamClosedIsRecognised() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        otherWritersAppend(id, moreThanAChunk());
        long v = store.version(id);
        EventData close = close("next", v);
        store.append(id, ExpectedVersion.exactly(v), List.of(close));

        AppendResult again = store.append(id, ExpectedVersion.exactly(v), List.of(close));

        assertThat(again.alreadyWritten()).isTrue();
        assertThat(again.newVersion()).isEqualTo(v + 1);
        assertThat(store.version(id)).isEqualTo(v + 1);
        AppendResult asRetryOfAny = store.append(id, ExpectedVersion.retryOfAny(v), List.of(close));
        assertThat(asRetryOfAny.alreadyWritten()).isTrue();
        assertThat(asRetryOfAny.newVersion()).isEqualTo(v + 1);
        // another close on the same version is refused: the stream is closed
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(v), List.of(close("other", v))))
                .isInstanceOf(EventStreamClosedException.class);
    }

    @Test
    void anExpectedVersionReadFromAnotherStreamIsRefused() {
        String id = newStreamId();
        ExpectedVersion elsewhere = ExpectedVersion.exactly(0,
                new dev.es.engine.document.StreamPointer(newStreamId(), store.name()));
        assertThatThrownBy(() -> store.append(id, elsewhere, events(0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.version(id)).isZero();
        ExpectedVersion here = ExpectedVersion.exactly(0, new dev.es.engine.document.StreamPointer(id, store.name()));
        assertThat(store.append(id, here, events(0, 1)).newVersion()).isEqualTo(1);
        assertThatThrownBy(() -> store.append(id, here, events(1, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
    }

    @Test
    void reAppendingAfterTheStreamWasClosedStillSucceeds() {
        String id = newStreamId();
        List<EventData> batch = events(0, 2);
        store.append(id, ExpectedVersion.any(), batch);
        store.append(id, ExpectedVersion.exactly(2), List.of(close("next", 2)));
        assertThat(store.append(id, ExpectedVersion.exactly(0), batch).alreadyWritten()).isTrue();
    }

    @Test
    void aBatchThatPartlyRepeatsAnotherIsRefusedWhole() {
        String id = newStreamId();
        List<EventData> batch = events(0, 2);
        store.append(id, ExpectedVersion.any(), batch);
        List<EventData> mixed = List.of(event(7), batch.get(1));
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), mixed))
                .isInstanceOfSatisfying(DuplicateEventIdException.class,
                        e -> assertThat(e.eventId()).isEqualTo(batch.get(1).eventId()));
        assertThat(store.version(id)).isEqualTo(2);
    }

    @Test
    void oneBatchMayNotHoldAnEventIdTwice() {
        String id = newStreamId();
        EventData e = event(1);
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), List.of(e, e)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining(e.eventId());
        assertThat(store.version(id)).isZero();
    }

    @Test
    void theSameEventIdMayLiveInTwoStreams() {
        EventData e = event(1);
        String a = newStreamId();
        String b = newStreamId();
        store.append(a, ExpectedVersion.any(), List.of(e));
        AppendResult second = store.append(b, ExpectedVersion.any(), List.of(e));
        assertThat(second.alreadyWritten()).isFalse();
        assertThat(store.version(b)).isEqualTo(1);
    }

    @Tag("design-4.5")
    @Test
    void readsComeInPages() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 25));
        assertThat(store.read(id, 1, 10)).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L,
                8L, 9L, 10L);
        assertThat(store.read(id, 21, 10)).extracting(StoredEvent::version).containsExactly(21L, 22L, 23L, 24L, 25L);
        assertThat(store.read(id, 26, 10)).isEmpty();
        try (var all = store.stream(id, 4, 7)) {
            assertThat(all.map(StoredEvent::version).toList()).hasSize(22).startsWith(4L).endsWith(25L);
        }
    }

    @Test
    void manyAppendsReadBackInOrder() {
        String id = newStreamId();
        for (int i = 0; i < 30; i++) {
            store.append(id, ExpectedVersion.exactly(i * 5L), events(i * 5, 5));
        }
        List<StoredEvent> all = store.read(id, 1, 1000);
        assertThat(all).hasSize(150);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).version()).isEqualTo(i + 1);
            assertThat(all.get(i).metadata()).containsEntry("n", String.valueOf(i));
        }
    }

    @Test
    void badInputIsATypedErrorNamingTheValue() {
        assertThatThrownBy(() -> store.append("bad/stream id", ExpectedVersion.any(), events(0, 1)))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("bad/stream id");
        assertThatThrownBy(() -> store.append(" ", ExpectedVersion.any(), events(0, 1)))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> store.append("x".repeat(300), ExpectedVersion.any(), events(0, 1)))
                .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("300");
        assertThatThrownBy(() -> store.append(newStreamId(), ExpectedVersion.any(), List.of()))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> store.read(newStreamId(), 0, 10)).isInstanceOf(InvalidVersionException.class)
                .hasMessageContaining("fromVersion");
        assertThatThrownBy(() -> store.read(null, 1, 10)).isInstanceOf(InvalidIdentifierException.class);
    }

    // ---------------------------------------------------------------- fencing

    /**
     * Whether the store under test keeps fences. Every built-in store does; a store that declines (the SPI allows it)
     * says so here, and the fencing tests then check that it declines cleanly instead of skipping.
     */
    protected boolean keepsFences() {
        return true;
    }

    /**
     * Whether the store's {@code raiseFence} answers the version it raised the fence on whenever it wrote (the stores
     * built in do); a store may always answer empty, but never a wrong version.
     */
    protected boolean answersVersionOnRaise() {
        return false;
    }

    /**
     * True when the store, as {@link #keepsFences()} says, declines fencing: then checks that it declines cleanly
     * (says so, refuses {@code raiseFence}, makes fenced appends plain ones) and the caller's test ends there.
     */
    private boolean declinesFencing() {
        assertThat(store.supportsFencing()).as("%s keeps fences", store.name()).isEqualTo(keepsFences());
        if (keepsFences()) {
            return false;
        }
        String id = newStreamId();
        assertThatThrownBy(() -> store.raiseFence(id, 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(store.append(id, ExpectedVersion.noStream(), events(0, 1), 0).newVersion()).isEqualTo(1);
        return true;
    }

    @Test
    void aFencedAppendBelowTheFenceIsRefusedAndWritesNothing() {
        if (declinesFencing()) {
            return;
        }
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2), 1);
        store.raiseFence(id, 5);

        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(2), events(2, 3), 4))
                .isInstanceOfSatisfying(StaleFencingTokenException.class, e -> {
                    assertThat(e.streamId()).isEqualTo(id);
                    assertThat(e.token()).isEqualTo(4);
                    assertThat(e.currentFence()).isEqualTo(5);
                });
        assertThat(store.version(id)).isEqualTo(2);
        assertThat(store.read(id, 1, 100)).hasSize(2);
        // the fence comes before the idempotency, closed and version checks
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.noStream(), store.read(id, 1, 2).stream()
                .map(e -> new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata()))
                .toList(), 4)).isInstanceOf(StaleFencingTokenException.class);
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(0), events(9, 1), 0))
                .isInstanceOf(StaleFencingTokenException.class);
    }

    @Test
    void aFencedAppendAtOrAboveTheFenceIsWrittenAndUnfencedAppendsAreUnaffected() {
        if (declinesFencing()) {
            return;
        }
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        store.raiseFence(id, 5);

        assertThat(store.append(id, ExpectedVersion.exactly(1), events(1, 2), 5).newVersion()).isEqualTo(3);
        assertThat(store.append(id, ExpectedVersion.exactly(3), events(3, 1), 6).newVersion()).isEqualTo(4);
        assertThat(store.append(id, ExpectedVersion.any(), events(4, 1)).newVersion()).isEqualTo(5);
        // a fenced append still obeys the version
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(1), events(5, 1), 7))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.read(id, 1, 100)).extracting(e -> e.metadata().get("n"))
                .containsExactly("0", "1", "2", "3", "4");
    }

    /**
     * A raise answers the stream's version as it found it, or nothing (a migration starts its copy on a target found
     * empty without reading it again): on an absent stream, on one this client appended to, and on one another
     * client appended to since this one last looked.
     */
    @Test
    void aRaiseAnswersTheVersionItRaisedTheFenceOnOrNothing() {
        if (declinesFencing()) {
            return;
        }
        String id = newStreamId();
        assertRaisedOn(store.raiseFence(id, 1), 0);
        store.append(id, ExpectedVersion.exactly(0), events(0, 3), 1);
        assertRaisedOn(store.raiseFence(id, 2), 3);
        store.append(id, ExpectedVersion.exactly(3), events(3, 1), 2);
        secondClient(store).append(id, ExpectedVersion.exactly(4), events(4, 1), 2);
        assertRaisedOn(store.raiseFence(id, 3), 5);
        store.raiseFence(id, 3).ifPresent(version -> assertThat(version).isEqualTo(5));
        assertThat(store.version(id)).isEqualTo(5);
    }

    private void assertRaisedOn(OptionalLong answer, long version) {
        if (answersVersionOnRaise()) {
            assertThat(answer).as("%s answers the version it raised the fence on", store.name()).hasValue(version);
        } else {
            answer.ifPresent(v -> assertThat(v).as("the version %s answers", store.name()).isEqualTo(version));
        }
    }

    @Test
    void theFenceNeverGoesDown() {
        if (declinesFencing()) {
            return;
        }
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        store.raiseFence(id, 10);
        store.raiseFence(id, 3);
        secondClient(store).raiseFence(id, 10);

        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(1), events(1, 1), 7))
                .isInstanceOfSatisfying(StaleFencingTokenException.class,
                        e -> assertThat(e.currentFence()).isEqualTo(10));
        store.raiseFence(id, 12);
        assertThatThrownBy(() -> secondClient(store).append(id, ExpectedVersion.exactly(1), events(1, 1), 10))
                .isInstanceOfSatisfying(StaleFencingTokenException.class,
                        e -> assertThat(e.currentFence()).isEqualTo(12));
        assertThat(store.version(id)).isEqualTo(1);
    }

    @Test
    void aFenceOnAnAbsentStreamLeavesItEmptyAndAppendable() {
        if (declinesFencing()) {
            return;
        }
        String id = newStreamId();
        store.raiseFence(id, 3);

        assertThat(store.version(id)).isZero();
        assertThat(store.read(id, 1, 10)).isEmpty();
        assertThat(store.lastEvent(id)).isNull();
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.noStream(), events(0, 1), 2))
                .isInstanceOf(StaleFencingTokenException.class);
        assertThat(store.append(id, ExpectedVersion.noStream(), events(0, 1), 3).newVersion()).isEqualTo(1);
        assertThat(store.append(id, ExpectedVersion.exactly(1), events(1, 1)).newVersion()).isEqualTo(2);
        assertThat(store.read(id, 1, 10)).extracting(StoredEvent::version).containsExactly(1L, 2L);
    }

    @Test
    void aFenceOnAClosedStreamKeepsItClosed() {
        if (declinesFencing()) {
            return;
        }
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 3));
        store.append(id, ExpectedVersion.exactly(3), List.of(close("next", 3)), 1);
        store.raiseFence(id, 2);

        assertThat(store.version(id)).isEqualTo(4);
        assertThat(store.lastEvent(id).isCloseEvent()).isTrue();
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), events(3, 1), 1))
                .isInstanceOf(StaleFencingTokenException.class);
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.any(), events(3, 1), 2))
                .isInstanceOfSatisfying(EventStreamClosedException.class,
                        e -> assertThat(e.continuationStreamId()).isEqualTo("next"));
    }

    @Test
    void aFencedAppendRacingARaiseLandsBeforeItOrIsRefused() throws Exception {
        if (declinesFencing()) {
            return;
        }
        EventStore raiser = secondClient(store);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                String id = newStreamId();
                long pause = round * 3L;
                store.raiseFence(id, 1);
                CountDownLatch appending = new CountDownLatch(1);
                // each append written with the old token: {nanoTime when it started, the version it got}
                Future<List<long[]>> writer = pool.submit(() -> {
                    List<long[]> written = new ArrayList<>();
                    for (int n = 0; ; n++) {
                        long started = System.nanoTime();
                        try {
                            written.add(new long[] {started,
                                    store.append(id, ExpectedVersion.any(), events(n, 1), 1).newVersion()});
                        } catch (StaleFencingTokenException refused) {
                            return written;
                        } finally {
                            appending.countDown();
                        }
                    }
                });
                Future<long[]> raise = pool.submit(() -> {
                    appending.await();
                    Thread.sleep(pause);
                    raiser.raiseFence(id, 2);
                    return new long[] {System.nanoTime(), raiser.version(id)};
                });
                long raised = raise.get(2, TimeUnit.MINUTES)[0];
                long versionAfterRaise = raise.get()[1];
                List<long[]> written = writer.get(2, TimeUnit.MINUTES);

                assertThat(written).isNotEmpty();
                for (long[] w : written) {
                    assertThat(w[0]).as("an append with the old token started after the raise returned")
                            .isLessThan(raised);
                    assertThat(w[1]).isLessThanOrEqualTo(versionAfterRaise);
                }
                assertThat(store.version(id)).isEqualTo(written.get(written.size() - 1)[1])
                        .isEqualTo(versionAfterRaise);
                assertThat(store.append(id, ExpectedVersion.exactly(versionAfterRaise), events(999, 1), 2)
                        .newVersion()).isEqualTo(versionAfterRaise + 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- holding writers (the close that always wins)

    /**
     * Whether the store under test holds writers. Every built-in store does; a store that declines says so here, and
     * the hold tests then check that it declines ({@code holdWriters} is empty) instead of skipping.
     */
    protected boolean holdsWriters() {
        return true;
    }

    /** A hold on {@code id}, or {@code null} when the store declines holds as {@link #holdsWriters()} says. */
    private WriterHold holdOrDecline(String id) {
        Optional<WriterHold> hold = store.holdWriters(id, Duration.ofSeconds(10));
        assertThat(hold.isPresent()).as("%s holds writers", store.name()).isEqualTo(holdsWriters());
        return hold.orElse(null);
    }

    /** An append by another client that waits on a hold; the hold's holder decides what it then finds. */
    private Future<AppendResult> appendDuringHold(ExecutorService pool, String id) throws Exception {
        EventStore other = secondClient(store);
        Future<AppendResult> waiting = pool.submit(() -> other.append(id, ExpectedVersion.any(), events(10, 1)));
        Thread.sleep(300);
        assertThat(waiting.isDone()).as("the append waits while the writers are held").isFalse();
        return waiting;
    }

    @Test
    void anAppendDuringAHoldWaitsThenLandsOnTheSourceWhenTheHoldIsLiftedWithoutAClose() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        WriterHold hold = holdOrDecline(id);
        if (hold == null) {
            return;
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<AppendResult> waiting = appendDuringHold(pool, id);
            hold.append(ExpectedVersion.exactly(2), events(2, 1), 1);
            hold.close();
            assertThat(waiting.get(60, TimeUnit.SECONDS).newVersion()).isEqualTo(4);
        } finally {
            hold.close();
            pool.shutdownNow();
        }
        assertThat(store.read(id, 1, 10)).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void anAppendDuringAHoldThatAppendedACloseFindsTheStreamClosedTowardItsContinuation() throws Exception {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        WriterHold hold = holdOrDecline(id);
        if (hold == null) {
            return;
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<AppendResult> waiting = appendDuringHold(pool, id);
            hold.append(ExpectedVersion.exactly(2), List.of(close("next-stream", 2)), 1);
            hold.close();
            assertThatThrownBy(() -> waiting.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(EventStreamClosedException.class).hasMessageContaining("next-stream");
        } finally {
            hold.close();
            pool.shutdownNow();
        }
        assertThat(store.version(id)).isEqualTo(3);
    }

    @Test
    void appendsUnderAHoldGetTheSameRefusalsAsOthers() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        WriterHold hold = holdOrDecline(id);
        if (hold == null) {
            return;
        }
        try {
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(1), events(2, 1), 1))
                    .isInstanceOf(WrongExpectedVersionException.class);
            assertThat(hold.append(ExpectedVersion.exactly(2), events(2, 1), 1).newVersion()).isEqualTo(3);
        } finally {
            hold.close();
        }
        assertThat(store.version(id)).isEqualTo(3);
    }

    // ---------------------------------------------------------------- another client in between (cached tails)

    @Test
    void anotherClientAppendingBetweenTwoAppendsOfThisOneIsSeen() {
        String id = newStreamId();
        EventStore other = secondClient(store);
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        other.append(id, ExpectedVersion.exactly(1), events(1, 1));
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(1), events(2, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.append(id, ExpectedVersion.exactly(2), events(2, 1)).newVersion()).isEqualTo(3);
        other.append(id, ExpectedVersion.any(), events(3, 1));
        assertThat(store.append(id, ExpectedVersion.any(), events(4, 1)).newVersion()).isEqualTo(5);
        assertThat(store.read(id, 1, 10)).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void anotherClientRollingTheChunkOverIsFollowed() {
        String id = newStreamId();
        EventStore other = secondClient(store);
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        int others = Math.max(chunkSize(), 10) + 1;
        for (int i = 1; i <= others; i++) {
            other.append(id, ExpectedVersion.exactly(i), events(i, 1));
        }
        long version = others + 1;
        assertThat(store.append(id, ExpectedVersion.exactly(version), events(1000, 1)).newVersion())
                .isEqualTo(version + 1);
        assertThat(store.append(id, ExpectedVersion.any(), events(1001, 1)).newVersion()).isEqualTo(version + 2);
        List<StoredEvent> all = store.read(id, 1, 1000);
        assertThat(all).hasSize((int) version + 2);
        assertThat(all.get(all.size() - 1).version()).isEqualTo(version + 2);
    }

    @Test
    void deleteRemovesTheStream() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.any(), events(0, 3));
        store.delete(id);
        assertThat(store.version(id)).isZero();
        assertThat(store.read(id, 1, 10)).isEmpty();
        store.delete(id);
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        assertThat(store.version(id)).isEqualTo(1);
    }
}
