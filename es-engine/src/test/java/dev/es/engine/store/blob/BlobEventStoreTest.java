package dev.es.engine.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.es.engine.store.AbstractEventStoreContractTest;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobEventStoreTest extends AbstractEventStoreContractTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static BlobServiceClient second;

    /** Small chunks, so that the contract's "more than a chunk of other writers' events" is cheap. */
    private static final int CHUNK_SIZE = 4;

    @Override
    protected EventStore createStore() {
        return new BlobEventStore(AZURITE.newContainer(), "blob", CHUNK_SIZE);
    }

    @Override
    protected boolean answersVersionOnRaise() {
        return true;
    }

    @Override
    protected int chunkSize() {
        return CHUNK_SIZE;
    }

    @Override
    protected EventStore secondClient(EventStore store) {
        synchronized (BlobEventStoreTest.class) {
            if (second == null) {
                second = AZURITE.newClient();
            }
        }
        BlobEventStore first = (BlobEventStore) store;
        return new BlobEventStore(second.getBlobContainerClient(first.container().getBlobContainerName()),
                first.name(), first.chunkSize());
    }

    @Override
    protected int concurrentAppends() {
        return 400;
    }

    private BlobEventStore smallChunks(BlobContainerClient container, int chunkSize) {
        return new BlobEventStore(container, "blob", "events/blob", chunkSize, Clock.systemUTC());
    }

    @Test
    void chunksRollOverAndReadsCrossThem() {
        BlobContainerClient container = ((BlobEventStore) store).container();
        BlobEventStore small = smallChunks(container, 5);
        String id = newStreamId();
        small.append(id, ExpectedVersion.noStream(), events(0, 3));
        small.append(id, ExpectedVersion.exactly(3), events(3, 4)); // overshoots chunk 0 to 7 events
        for (int i = 0; i < 6; i++) {
            long v = small.version(id);
            small.append(id, ExpectedVersion.exactly(v), events((int) v, 2));
        }
        assertThat(small.version(id)).isEqualTo(19);
        List<String> chunks = Blobs.names(container, "events/blob/" + id + "/");
        assertThat(chunks).hasSize(3); // 7 + 6 + 6 events
        List<StoredEvent> all = small.read(id, 1, 100);
        assertThat(all).extracting(StoredEvent::version)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 19).boxed().toList());
        assertThat(all).extracting(e -> e.metadata().get("n"))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 19).mapToObj(String::valueOf).toList());
        assertThat(small.read(id, 6, 4)).extracting(StoredEvent::version).containsExactly(6L, 7L, 8L, 9L);
        assertThat(small.read(id, 13, 100)).extracting(StoredEvent::version).startsWith(13L).endsWith(19L);
        assertThat(small.lastEvent(id).version()).isEqualTo(19);

        // a fresh client (no cached chunk index) finds the same end
        BlobEventStore fresh = smallChunks(container, 5);
        assertThat(fresh.version(id)).isEqualTo(19);
        assertThatThrownBy(() -> fresh.append(id, ExpectedVersion.exactly(18), events(50, 1)))
                .isInstanceOf(WrongExpectedVersionException.class);
        // an idempotent re-append of a batch in the previous, filled chunk is still found
        List<EventData> batch = events(100, 3);
        fresh.append(id, ExpectedVersion.exactly(19), batch);
        assertThat(small.append(id, ExpectedVersion.exactly(19), batch).alreadyWritten()).isTrue();
        assertThat(small.version(id)).isEqualTo(22);
    }

    @Test
    void twoClientsRacingOverChunkRolloversLoseNothingAndDuplicateNothing() throws Exception {
        BlobEventStore one = smallChunks(((BlobEventStore) store).container(), 3);
        BlobEventStore other = (BlobEventStore) secondClient(one);
        BlobEventStore two = smallChunks(other.container(), 3);
        String id = newStreamId();
        int total = 120;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            BlobEventStore client = t % 2 == 0 ? one : two;
            futures.add(pool.submit(() -> {
                int n;
                while ((n = next.getAndIncrement()) < total) {
                    EventData data = event(n);
                    while (true) {
                        try {
                            client.append(id, ExpectedVersion.exactly(client.version(id)), List.of(data));
                            break;
                        } catch (WrongExpectedVersionException conflict) {
                            // someone else got there first: read the version again
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        List<StoredEvent> all = two.read(id, 1, 1000);
        assertThat(all).extracting(StoredEvent::version)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(all).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
        assertThat(Blobs.names(one.container(), "events/blob/" + id + "/")).hasSize(total / 3);
    }

    @Test
    void anAppendTooLargeForOneBlockFailsFastAndWritesNothing() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 1));
        String big = "x".repeat(512 * 1024);
        List<EventData> huge = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            huge.add(new EventData(null, "Big", 1, "{\"blob\":\"" + big + "\"}", Map.of()));
        }
        assertThatThrownBy(() -> store.append(id, ExpectedVersion.exactly(1), huge))
                .isInstanceOfSatisfying(AppendTooLargeException.class, e -> {
                    assertThat(e.streamId()).isEqualTo(id);
                    assertThat(e.bytes()).isGreaterThan(e.limit());
                    assertThat(e.limit()).isEqualTo(BlobEventStore.MAX_APPEND_BYTES);
                });
        assertThat(store.version(id)).isEqualTo(1);
        assertThat(store.read(id, 1, 10)).hasSize(1);
        // just under the limit goes through as one atomic block
        store.append(id, ExpectedVersion.exactly(1), huge.subList(0, 7));
        assertThat(store.version(id)).isEqualTo(8);
    }

    @Test
    void anAppendWhoseAnswerIsLostIsACommitFailureAndItsRetryWritesNothingTwice() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        AtomicBoolean dropAnswers = new AtomicBoolean(true);
        BlobServiceClient flaky = flakyClient(dropAnswers);
        String containerName = ((BlobEventStore) store).container().getBlobContainerName();
        BlobEventStore unlucky = new BlobEventStore(flaky.getBlobContainerClient(containerName), "blob");
        List<EventData> batch = events(2, 3);

        assertThatThrownBy(() -> unlucky.append(id, ExpectedVersion.exactly(2), batch))
                .isInstanceOfSatisfying(CommitFailedException.class, e -> {
                    assertThat(e.eventsMayBeWritten()).isTrue();
                    assertThat(e.originalVersion()).isEqualTo(2);
                    assertThat(e.attemptedVersion()).isEqualTo(5);
                });
        dropAnswers.set(false);
        AppendResult retry = unlucky.append(id, ExpectedVersion.exactly(2), batch);
        assertThat(retry.alreadyWritten()).isTrue();
        assertThat(retry.newVersion()).isEqualTo(5);
        assertThat(store.append(id, ExpectedVersion.any(), batch).alreadyWritten()).isTrue();
        assertThat(store.read(id, 1, 100)).hasSize(5);
    }

    @Test
    void aPlainAnyRetryIsRecognisedWhileTheBatchIsWithinTheLastChunkSizeEvents() {
        BlobContainerClient container = ((BlobEventStore) store).container();
        int chunkSize = 5;
        for (int phase = 0; phase < chunkSize + 2; phase++) {
            BlobEventStore small = smallChunks(container, chunkSize);
            String id = newStreamId();
            if (phase > 0) {
                small.append(id, ExpectedVersion.any(), events(0, phase));
            }
            List<EventData> batch = events(100, 2);
            small.append(id, ExpectedVersion.any(), batch);
            for (int i = 0; i < chunkSize - batch.size(); i++) { // the batch's first event is chunkSize from the end
                small.append(id, ExpectedVersion.any(), events(200 + i, 1));
            }
            long version = small.version(id);

            AppendResult again = smallChunks(container, chunkSize).append(id, ExpectedVersion.any(), batch);

            assertThat(again.alreadyWritten()).as("phase %d", phase).isTrue();
            assertThat(again.newVersion()).isEqualTo(phase + 2);
            assertThat(small.version(id)).isEqualTo(version);
            assertThat(small.read(id, 1, 100)).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
        }
    }

    @Test
    void anAnyAppendWhoseAnswerIsLostIsFoundByItsRetryConditionAfterManyChunksOfOtherEvents() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        AtomicBoolean dropAnswers = new AtomicBoolean(true);
        BlobEventStore unlucky = new BlobEventStore(flakyClient(dropAnswers).getBlobContainerClient(
                ((BlobEventStore) store).container().getBlobContainerName()), "blob", CHUNK_SIZE);
        List<EventData> batch = events(2, 3);

        CommitFailedException failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                CommitFailedException.class, () -> unlucky.append(id, ExpectedVersion.any(), batch));
        assertThat(failure.eventsMayBeWritten()).isTrue();
        assertThat(failure.originalVersion()).isEqualTo(2);
        assertThat(failure.retryCondition()).isEqualTo(ExpectedVersion.retryOfAny(2));
        dropAnswers.set(false);
        for (int i = 0; i < 5 * CHUNK_SIZE; i++) {
            store.append(id, ExpectedVersion.any(), events(100 + i, 1));
        }

        AppendResult retry = unlucky.append(id, failure.retryCondition(), batch);

        assertThat(retry.alreadyWritten()).isTrue();
        assertThat(retry.previousVersion()).isEqualTo(2);
        assertThat(retry.newVersion()).isEqualTo(5);
        assertThat(store.version(id)).isEqualTo(5 + 5 * CHUNK_SIZE);
        assertThat(store.read(id, 1, 100)).extracting(StoredEvent::eventId).doesNotHaveDuplicates()
                .hasSize(5 + 5 * CHUNK_SIZE);
    }

    @Test
    void anAppendInFlightWhenTheFenceIsRaisedFailsAndIsRefusedOnItsRetry() {
        String id = newStreamId();
        store.append(id, ExpectedVersion.noStream(), events(0, 2));
        String containerName = ((BlobEventStore) store).container().getBlobContainerName();
        AtomicBoolean raiseFirst = new AtomicBoolean(true);
        // the fenced writer has read the tail (fence 0) and sent its append block; the raise reaches Azurite first
        HttpPipelinePolicy raiseBeforeTheAppend = new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                boolean append = String.valueOf(context.getHttpRequest().getUrl().getQuery())
                        .contains("comp=appendblock");
                if (append && raiseFirst.getAndSet(false)) {
                    return Mono.fromRunnable(() -> store.raiseFence(id, 2)).then(next.process());
                }
                return next.process();
            }

            @Override
            public HttpPipelinePosition getPipelinePosition() {
                return HttpPipelinePosition.PER_CALL;
            }
        };
        BlobEventStore late = new BlobEventStore(new BlobServiceClientBuilder()
                .connectionString(AZURITE.connectionString()).addPolicy(raiseBeforeTheAppend).buildClient()
                .getBlobContainerClient(containerName), "blob", CHUNK_SIZE);

        assertThatThrownBy(() -> late.append(id, ExpectedVersion.exactly(2), events(2, 1), 1))
                .isInstanceOfSatisfying(dev.es.engine.store.StaleFencingTokenException.class,
                        e -> assertThat(e.currentFence()).isEqualTo(2));
        assertThat(raiseFirst).isFalse();
        assertThat(store.version(id)).isEqualTo(2);
        assertThat(store.read(id, 1, 10)).hasSize(2);
    }

    @Test
    void theFenceCarriesOverChunkRolloversAndARaiseOnAFullChunkStartsTheNext() {
        BlobContainerClient container = ((BlobEventStore) store).container();
        BlobEventStore small = smallChunks(container, 2);
        String id = newStreamId();
        small.append(id, ExpectedVersion.noStream(), events(0, 2)); // chunk 0 is full
        small.raiseFence(id, 5);
        assertThat(Blobs.names(container, "events/blob/" + id + "/")).hasSize(2);
        assertThat(small.version(id)).isEqualTo(2);
        assertThat(small.lastEvent(id).version()).isEqualTo(2);

        for (int v = 2; v < 9; v++) { // through chunks 1 to 4, each started with the fence of the one before
            small.append(id, ExpectedVersion.exactly(v), events(v, 1), 5);
        }
        assertThat(Blobs.names(container, "events/blob/" + id + "/")).hasSize(5);
        BlobEventStore fresh = smallChunks(container, 2);
        assertThatThrownBy(() -> fresh.append(id, ExpectedVersion.exactly(9), events(9, 1), 4))
                .isInstanceOf(dev.es.engine.store.StaleFencingTokenException.class);
        assertThat(fresh.read(id, 1, 100)).extracting(StoredEvent::version)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 9).boxed().toList());
    }

    @Test
    void aStreamWrittenBeforeFencingExistedReadsAppendsAndTakesAFence() {
        BlobContainerClient container = ((BlobEventStore) store).container();
        String id = newStreamId();
        // two chunks as the store wrote them before fencing: metadata firstversion and capacity, no fence
        java.time.Instant at = java.time.Instant.parse("2024-01-01T00:00:00Z");
        for (int chunk = 0; chunk < 2; chunk++) {
            var blob = container.getBlobClient("events/blob/" + id + "/" + String.format("%010d", chunk))
                    .getAppendBlobClient();
            blob.createWithResponse(new com.azure.storage.blob.options.AppendBlobCreateOptions().setMetadata(
                    Map.of("firstversion", String.valueOf(chunk * 3 + 1), "capacity", "3")), null,
                    com.azure.core.util.Context.NONE);
            List<byte[]> lines = new ArrayList<>();
            for (int n = chunk * 3; n < chunk * 3 + (chunk == 0 ? 3 : 2); n++) {
                lines.add(BatchCodec.line(event(n), at));
            }
            byte[] record = BatchCodec.record(lines, chunk * 3L + lines.size(), false);
            blob.appendBlock(new java.io.ByteArrayInputStream(record), record.length);
        }
        BlobEventStore upgraded = smallChunks(container, 3);

        assertThat(upgraded.version(id)).isEqualTo(5);
        assertThat(upgraded.read(id, 1, 10)).extracting(e -> e.metadata().get("n"))
                .containsExactly("0", "1", "2", "3", "4");
        assertThat(upgraded.lastEvent(id).metadata()).containsEntry("n", "4");
        assertThat(upgraded.append(id, ExpectedVersion.exactly(5), events(5, 1)).newVersion()).isEqualTo(6);
        upgraded.raiseFence(id, 3);
        assertThatThrownBy(() -> upgraded.append(id, ExpectedVersion.exactly(6), events(6, 1), 2))
                .isInstanceOf(dev.es.engine.store.StaleFencingTokenException.class);
        assertThat(upgraded.append(id, ExpectedVersion.exactly(6), events(6, 2), 3).newVersion()).isEqualTo(8);
        assertThat(smallChunks(container, 3).read(id, 1, 20)).extracting(StoredEvent::version)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 8).boxed().toList());
    }

    /** A client whose append-block answers are lost (after the request reached Azurite) while {@code drop} is set. */
    private static BlobServiceClient flakyClient(AtomicBoolean drop) {
        HttpPipelinePolicy loseAppendAnswers = new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                boolean append = String.valueOf(context.getHttpRequest().getUrl().getQuery())
                        .contains("comp=appendblock");
                return next.process().flatMap(response -> append && drop.get()
                        ? Mono.error(new IOException("connection reset after the request was sent (simulated)"))
                        : Mono.just(response));
            }

            @Override
            public HttpPipelinePosition getPipelinePosition() {
                return HttpPipelinePosition.PER_CALL;
            }
        };
        return new BlobServiceClientBuilder().connectionString(AZURITE.connectionString())
                .addPolicy(loseAppendAnswers).buildClient();
    }

    @Test
    void containerNamesAreValidated() {
        for (String bad : List.of("ab", "Upper", "double--hyphen", "-leading", "trailing-", "under_score",
                "x".repeat(64))) {
            assertThatThrownBy(() -> BlobContainers.prepare(AZURITE.client(), bad, true))
                    .isInstanceOfSatisfying(InvalidContainerNameException.class,
                            e -> assertThat(e.containerName()).isEqualTo(bad))
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThat(BlobContainers.requireValidName("es-events-1")).isEqualTo("es-events-1");
    }

    @Test
    void aMissingContainerIsCreatedOnlyWhenAllowed() {
        String name = AzuriteExtension.newContainerName();
        assertThatThrownBy(() -> BlobContainers.prepare(AZURITE.client(), name, false))
                .isInstanceOfSatisfying(ContainerNotFoundException.class,
                        e -> assertThat(e.containerName()).isEqualTo(name))
                .hasMessageContaining(name).hasMessageContaining("auto-provision");
        assertThat(AZURITE.client().getBlobContainerClient(name).exists()).isFalse();

        BlobContainerClient created = BlobContainers.prepare(AZURITE.client(), name, true);
        assertThat(created.exists()).isTrue();
        BlobEventStore onIt = new BlobEventStore(created, "blob");
        onIt.append("s-1", ExpectedVersion.any(), events(0, 1));
        // preparing again keeps what is there
        BlobContainers.prepare(AZURITE.client(), name, true);
        assertThat(onIt.version("s-1")).isEqualTo(1);
    }
}
