package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.DuplicateEventIdException;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.StaleFencingTokenException;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import dev.es.engine.store.WrongExpectedVersionException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * {@link BlobEventStore#holdWriters}: a lease on the stream's last chunk holds the writers of every process (here:
 * a second client with its own HTTP client) until the hold is lifted, runs out, or its holder's lease runs out.
 */
class BlobWriterHoldTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private BlobContainerClient mine;
    private BlobContainerClient theirs;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        String name = AZURITE.newContainer().getBlobContainerName();
        mine = AZURITE.client().getBlobContainerClient(name);
        theirs = AZURITE.newClient().getBlobContainerClient(name);
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private static BlobEventStore store(BlobContainerClient container, int chunkSize) {
        return new BlobEventStore(container, "blob", "events/blob", chunkSize, Clock.systemUTC());
    }

    private static String newStreamId() {
        return "hold-" + UUID.randomUUID();
    }

    private static EventData event(int n) {
        return new EventData("ev-" + n, "Thing", 1, "{\"n\":" + n + "}", Map.of("n", String.valueOf(n)));
    }

    private static List<EventData> events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(BlobWriterHoldTest::event).toList();
    }

    private static EventData close(long lastSourceVersion) {
        return new CloseEvent("continued", "elsewhere", "test", "m-1", lastSourceVersion, 0, Instant.now())
                .toEventData();
    }

    /** Proves {@code append} is still waiting after {@code millis}. */
    private static void assertWaiting(Future<?> append, long millis) throws InterruptedException {
        Thread.sleep(millis); // the time is the point: nothing may finish the append while the hold lasts
        assertThat(append.isDone()).as("the append waits for the hold").isFalse();
    }

    private List<StoredEvent> all(String id) {
        return store(AZURITE.newClient().getBlobContainerClient(mine.getBlobContainerName()), 3).read(id, 1, 10_000);
    }

    private void assertVersionsOneTo(String id, long version) {
        List<StoredEvent> all = all(id);
        assertThat(all).extracting(StoredEvent::version)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, version).boxed().toList());
        assertThat(all).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
    }

    @Test
    @Timeout(60)
    void anAppendDuringAHoldWaitsThenLandsOnTheSourceWhenTheHoldIsLiftedWithoutAClose() throws Exception {
        BlobEventStore holder = store(mine, 1000);
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow();

        Future<AppendResult> any = pool.submit(() -> writer.append(id, ExpectedVersion.any(), events(100, 1)));
        Future<AppendResult> exact = pool.submit(() -> writer.append(id, ExpectedVersion.exactly(2), events(200, 1)));
        Future<AppendResult> sameProcess = pool.submit(() -> holder.append(id, ExpectedVersion.any(),
                events(300, 1)));
        assertWaiting(any, 500);
        assertThat(hold.append(ExpectedVersion.exactly(2), events(2, 1), 0).newVersion()).isEqualTo(3);
        // a waiting append whose expected version the holder's append took is a conflict at once, as always
        assertThatThrownBy(() -> exact.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(WrongExpectedVersionException.class);
        assertWaiting(any, 300);
        assertThat(sameProcess.isDone()).isFalse();
        assertThat(holder.version(id)).isEqualTo(3); // reads go on during a hold
        hold.close();

        assertThat(any.get(10, TimeUnit.SECONDS).previousVersion()).isGreaterThanOrEqualTo(3);
        assertThat(sameProcess.get(10, TimeUnit.SECONDS).previousVersion()).isGreaterThanOrEqualTo(3);
        assertVersionsOneTo(id, 5);
        assertThat(all(id)).extracting(StoredEvent::eventId).contains("ev-100", "ev-300").doesNotContain("ev-200");
        assertThatThrownBy(() -> hold.append(ExpectedVersion.any(), events(3, 1), 0))
                .isInstanceOf(WriterHoldExpiredException.class);
    }

    @Test
    @Timeout(60)
    void anAppendDuringAHoldGetsTheCloseTheHolderAppended() throws Exception {
        BlobEventStore holder = store(mine, 1000);
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        try (WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow()) {
            Future<AppendResult> other = pool.submit(() -> writer.append(id, ExpectedVersion.any(), events(100, 1)));
            Future<AppendResult> sameProcess = pool.submit(() -> holder.append(id, ExpectedVersion.exactly(2),
                    events(200, 1)));
            assertWaiting(other, 500);
            // the last event and the close in one batch: a waiting writer that looked between two appends would
            // rightly see only a moved version (the exact one) instead of the close
            hold.append(ExpectedVersion.exactly(2), List.of(event(2), close(3)), 0);

            // they see the close at once, while the hold is still on
            for (Future<AppendResult> waiting : List.of(other, sameProcess)) {
                assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOfSatisfying(EventStreamClosedException.class,
                                e -> assertThat(e.getMessage()).contains("continued"));
            }
        }
        assertVersionsOneTo(id, 4);
        assertThat(all(id).get(3).isCloseEvent()).isTrue();
    }

    @Test
    @Timeout(60)
    void theHoldersAppendsSeeTheSameRefusalsAsAnyAppend() {
        BlobEventStore holder = store(mine, 1000);
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        writer.raiseFence(id, 5);
        try (WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow()) {
            assertThat(hold.streamId()).isEqualTo(id);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(1), events(2, 1), 5))
                    .isInstanceOf(WrongExpectedVersionException.class);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.noStream(), events(2, 1), 5))
                    .isInstanceOf(WrongExpectedVersionException.class);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(2), events(2, 1), 4))
                    .isInstanceOfSatisfying(StaleFencingTokenException.class,
                            e -> assertThat(e.currentFence()).isEqualTo(5));
            List<EventData> batch = events(2, 2);
            assertThat(hold.append(ExpectedVersion.exactly(2), batch, 5).alreadyWritten()).isFalse();
            assertThat(hold.append(ExpectedVersion.exactly(2), batch, 5).alreadyWritten()).isTrue();
            assertThat(hold.append(ExpectedVersion.any(), batch, 6).alreadyWritten()).isTrue();
            assertThat(hold.append(ExpectedVersion.retryOfAny(2), batch, 5).alreadyWritten()).isTrue();
            assertThatThrownBy(() -> hold.append(ExpectedVersion.any(), List.of(batch.get(1), event(9)), 5))
                    .isInstanceOf(DuplicateEventIdException.class);
            assertThat(hold.append(ExpectedVersion.any(), events(4, 1), 5).newVersion()).isEqualTo(5);
            assertThat(hold.append(ExpectedVersion.exactly(5), List.of(close(5)), 5).newVersion()).isEqualTo(6);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(6), events(5, 1), 5))
                    .isInstanceOf(EventStreamClosedException.class);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(6), events(5, 1), 4))
                    .isInstanceOf(StaleFencingTokenException.class); // the fence comes first, as for any append
        }
        assertVersionsOneTo(id, 6);
    }

    @Test
    @Timeout(60)
    void aFenceRaisedDuringAHoldBreaksItAndTheHoldersAppendsAreRefused() throws Exception {
        BlobEventStore holder = store(mine, 1000);
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        holder.raiseFence(id, 1);
        try (WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow()) {
            hold.append(ExpectedVersion.exactly(2), events(2, 1), 1);
            Future<AppendResult> waiting = pool.submit(() -> writer.append(id, ExpectedVersion.any(),
                    events(100, 1)));
            assertWaiting(waiting, 300);

            store(theirs, 1000).raiseFence(id, 2); // a newer lock holder

            assertThat(waiting.get(10, TimeUnit.SECONDS).newVersion()).isEqualTo(4);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(4), events(3, 1), 1))
                    .isInstanceOf(StaleFencingTokenException.class);
            assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(4), events(3, 1), 2))
                    .isInstanceOf(WriterHoldExpiredException.class); // its lease is gone
        }
        assertVersionsOneTo(id, 4);
        assertThat(writer.append(id, ExpectedVersion.exactly(4), events(101, 1), 2).newVersion()).isEqualTo(5);
    }

    @Test
    @Timeout(60)
    void aHoldOnAFullChunkStartsTheNextAndNobodyRollsPastAHeldChunk() throws Exception {
        BlobEventStore holder = store(mine, 2);
        BlobEventStore writer = store(theirs, 2);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2)); // chunk 0 is full
        WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow();
        assertThat(Blobs.names(mine, "events/blob/" + id + "/")).hasSize(2);

        Future<AppendResult> waiting = pool.submit(() -> writer.append(id, ExpectedVersion.any(), events(100, 1)));
        assertWaiting(waiting, 300);
        hold.append(ExpectedVersion.exactly(2), events(2, 3), 0); // chunk 1 overshoots its capacity of 2
        hold.append(ExpectedVersion.exactly(5), events(5, 1), 0); // and takes more: the holder stays on it
        assertWaiting(waiting, 300);
        assertThat(Blobs.names(mine, "events/blob/" + id + "/")).hasSize(2); // nobody started chunk 2
        hold.close();

        assertThat(waiting.get(10, TimeUnit.SECONDS).newVersion()).isEqualTo(7);
        assertThat(Blobs.names(mine, "events/blob/" + id + "/")).hasSize(3);
        assertVersionsOneTo(id, 7);
        assertThat(all(id)).extracting(e -> e.metadata().get("n"))
                .containsExactly("0", "1", "2", "3", "4", "5", "100");
    }

    @Test
    @Timeout(60)
    void aHoldRunsOutAfterMaxHoldAndItsLaterAppendsWriteNothing() throws Exception {
        BlobEventStore holder = store(mine, 1000);
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        long start = System.nanoTime();
        WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(2)).orElseThrow();
        Future<AppendResult> waiting = pool.submit(() -> writer.append(id, ExpectedVersion.any(), events(100, 1)));
        assertWaiting(waiting, 300);

        assertThat(waiting.get(20, TimeUnit.SECONDS).newVersion()).isEqualTo(3); // released after maxHold
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1900));
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10)); // not the 15 s lease
        assertThatThrownBy(() -> hold.append(ExpectedVersion.exactly(3), events(2, 1), 0))
                .isInstanceOf(WriterHoldExpiredException.class);
        hold.close();
        assertVersionsOneTo(id, 3);
    }

    @Test
    @Timeout(60)
    void aHoldWhoseHolderDiedEndsWhenItsLeaseRunsOut() throws Exception {
        // the holder "dies": nothing it sends after taking the lease reaches the service (no release, no close)
        java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();
        HttpPipelinePolicy deadAfterTheLease = new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                String action = context.getHttpRequest().getHeaders()
                        .getValue(HttpHeaderName.fromString("x-ms-lease-action"));
                if (dead.get() || "release".equals(action)) {
                    return Mono.error(new IOException("the holder's process is gone (simulated)"));
                }
                return next.process();
            }

            @Override
            public HttpPipelinePosition getPipelinePosition() {
                return HttpPipelinePosition.PER_CALL;
            }
        };
        BlobEventStore holder = store(new BlobServiceClientBuilder().connectionString(AZURITE.connectionString())
                .addPolicy(deadAfterTheLease).buildClient().getBlobContainerClient(mine.getBlobContainerName()), 1000);
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        long start = System.nanoTime();
        WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(1)).orElseThrow(); // a 15 s lease
        dead.set(true);

        Future<AppendResult> waiting = pool.submit(() -> writer.append(id, ExpectedVersion.any(), events(100, 1)));

        assertThat(waiting.get(30, TimeUnit.SECONDS).newVersion()).isEqualTo(3);
        long waited = System.nanoTime() - start;
        assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(14)); // the lease, not maxHold
        assertThat(waited).isLessThan(TimeUnit.SECONDS.toNanos(25));
        hold.close();
        assertVersionsOneTo(id, 3);
    }

    /** A store over a client of its own of this container, whose requests {@code change} may alter before they go. */
    private BlobEventStore storeChanging(Consumer<HttpRequest> change) {
        HttpPipelinePolicy changing = new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                change.accept(context.getHttpRequest());
                return next.process();
            }

            @Override
            public HttpPipelinePosition getPipelinePosition() {
                return HttpPipelinePosition.PER_CALL;
            }
        };
        return store(new BlobServiceClientBuilder().connectionString(AZURITE.connectionString())
                .addPolicy(changing).buildClient().getBlobContainerClient(mine.getBlobContainerName()), 1000);
    }

    private static String header(HttpRequest request, String name) {
        return request.getHeaders().getValue(HttpHeaderName.fromString(name));
    }

    /**
     * A client whose conditional fence writes and lease acquisitions without a lease always lose their race, as if an
     * append came in between each read and write: their {@code If-Match} is changed to an ETag the chunk never has.
     * Counts the races it made them lose.
     */
    private BlobEventStore losingEveryRace(AtomicInteger lost) {
        return storeChanging(request -> {
            String query = request.getUrl().getQuery();
            boolean raise = query != null && query.contains("comp=metadata")
                    && header(request, "x-ms-lease-id") == null;
            boolean lease = "acquire".equals(header(request, "x-ms-lease-action"));
            if ((raise || lease) && header(request, "If-Match") != null) {
                request.setHeader(HttpHeaderName.IF_MATCH, "\"0x8D0000000000000\"");
                lost.incrementAndGet();
            }
        });
    }

    @Test
    @Timeout(60)
    void aRaiseThatLosesEveryRaceToAppendsRaisesTheFenceUnderALease() {
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        AtomicInteger lost = new AtomicInteger();

        assertThat(losingEveryRace(lost).raiseFence(id, 7)).hasValue(2);

        assertThat(lost.get()).isGreaterThanOrEqualTo(3);
        assertThatThrownBy(() -> writer.append(id, ExpectedVersion.exactly(2), events(2, 1), 6))
                .isInstanceOf(StaleFencingTokenException.class);
        // the lease is gone: writers append as before, unfenced ones and the fence's own token
        assertThat(writer.append(id, ExpectedVersion.exactly(2), events(2, 1), 7).newVersion()).isEqualTo(3);
        assertThat(writer.append(id, ExpectedVersion.any(), events(3, 1)).newVersion()).isEqualTo(4);
        assertVersionsOneTo(id, 4);
    }

    @Test
    @Timeout(60)
    void aHoldThatLostTheRaceForItsLeaseHoldsTheChunkAsItIsThen() throws Exception {
        BlobEventStore writer = store(theirs, 1000);
        String id = newStreamId();
        writer.append(id, ExpectedVersion.noStream(), events(0, 2));
        AtomicInteger lost = new AtomicInteger();

        WriterHold hold = losingEveryRace(lost).holdWriters(id, Duration.ofSeconds(5)).orElseThrow();

        assertThat(lost.get()).isEqualTo(1);
        Future<AppendResult> waiting = pool.submit(() -> writer.append(id, ExpectedVersion.any(), events(100, 1)));
        assertWaiting(waiting, 300);
        assertThat(hold.append(ExpectedVersion.exactly(2), List.of(close(2)), 0).newVersion()).isEqualTo(3);
        hold.close();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(EventStreamClosedException.class);
        assertVersionsOneTo(id, 3);
    }

    @Test
    @Timeout(60)
    void anAppendThatLosesRaceAfterRaceTakesItsTurnUnderALease() {
        // every append block this client sends without a lease loses its race, as if another writer's came first
        AtomicInteger lost = new AtomicInteger();
        BlobEventStore starved = storeChanging(request -> {
            String query = request.getUrl().getQuery();
            if (query != null && query.contains("comp=appendblock") && header(request, "x-ms-lease-id") == null) {
                request.setHeader(HttpHeaderName.fromString("x-ms-blob-condition-appendpos"), "1099511627776");
                lost.incrementAndGet();
            }
        });
        BlobEventStore other = store(theirs, 1000);
        String id = newStreamId();
        other.append(id, ExpectedVersion.noStream(), events(0, 2));

        assertThat(starved.append(id, ExpectedVersion.any(), events(100, 1)).newVersion()).isEqualTo(3);
        assertThat(starved.append(id, ExpectedVersion.exactly(3), events(101, 1)).newVersion()).isEqualTo(4);

        assertThat(lost.get()).isEqualTo(20); // ten lost races each, then its turn
        // the turn's lease is gone: the other client appends at once, and the conflicts are still conflicts
        assertThat(other.append(id, ExpectedVersion.any(), events(200, 1)).newVersion()).isEqualTo(5);
        assertThatThrownBy(() -> starved.append(id, ExpectedVersion.exactly(3), events(102, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertVersionsOneTo(id, 5);
    }

    @Test
    @Timeout(60)
    void aSecondHoldWaitsForTheFirst() throws Exception {
        BlobEventStore holder = store(mine, 1000);
        BlobEventStore other = store(theirs, 1000);
        String id = newStreamId();
        other.append(id, ExpectedVersion.noStream(), events(0, 2));
        WriterHold first = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow();
        Future<WriterHold> second = pool.submit(() -> other.holdWriters(id, Duration.ofSeconds(30)).orElseThrow());
        assertWaiting(second, 300);
        first.append(ExpectedVersion.exactly(2), events(2, 1), 0);
        first.close();

        try (WriterHold next = second.get(10, TimeUnit.SECONDS)) {
            assertThat(next.append(ExpectedVersion.exactly(3), events(3, 1), 0).newVersion()).isEqualTo(4);
            assertThatThrownBy(() -> first.append(ExpectedVersion.exactly(4), events(4, 1), 0))
                    .isInstanceOf(WriterHoldExpiredException.class);
        }
        assertVersionsOneTo(id, 4);
    }

    @Test
    @Timeout(120)
    void writersOfTwoProcessesAroundAHoldWithACloseLoseNothingAndDuplicateNothing() throws Exception {
        BlobEventStore holder = store(mine, 4);
        List<BlobEventStore> writers = List.of(store(mine, 4), store(theirs, 4));
        String id = newStreamId();
        writers.get(0).append(id, ExpectedVersion.noStream(), events(0, 1));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger(1000);
        AtomicInteger closedSeen = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            BlobEventStore client = writers.get(w % 2);
            running.add(pool.submit(() -> {
                while (true) {
                    EventData data = event(next.getAndIncrement());
                    try {
                        client.append(id, ExpectedVersion.any(), List.of(data));
                        acknowledged.add(data.eventId());
                    } catch (EventStreamClosedException closed) {
                        closedSeen.incrementAndGet();
                        return null;
                    }
                }
            }));
        }
        // the hold comes once the writers are writing (appends acknowledged), not after a guessed delay
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> acknowledged.size() >= 8);
        try (WriterHold hold = holder.holdWriters(id, Duration.ofSeconds(30)).orElseThrow()) {
            long v = holder.version(id);
            hold.append(ExpectedVersion.exactly(v), events(1, 2), 0);
            hold.append(ExpectedVersion.exactly(v + 2), List.of(close(v + 2)), 0);
        }
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(closedSeen).hasValue(4);
        List<StoredEvent> all = all(id);
        assertThat(all).extracting(StoredEvent::version)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, all.size()).boxed().toList());
        assertThat(all).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
        Set<String> stored = new HashSet<>(all.stream().map(StoredEvent::eventId).toList());
        assertThat(stored).containsAll(acknowledged);
        assertThat(all.get(all.size() - 1).isCloseEvent()).isTrue();
        assertThat(all.get(all.size() - 2).eventId()).isEqualTo("ev-2");
        System.out.println("writers appended " + acknowledged.size() + " events around the hold");
    }
}
